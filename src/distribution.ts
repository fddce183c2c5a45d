import type { Queryable } from './backend/backend.js'
import { checkInteger, checkKeys, checkName, optionKeys } from './checks.js'
import { ArgError, ExtensionUnavailable } from './errors.js'
import { isPlainObject } from './json.js'
import { distributeTable, selectDistributed, selectLongestName } from './sql/citus.js'
import { execute } from './sql/execute.js'
import { setLocal } from './sql/settings.js'
import type { TableRef } from './sql/tables.js'

/** How a collection is sharded across a Citus cluster (`getOrCreateCollection({ distributed })`). */
export interface DistributedOptions {
  /** Shards, 1..64000; default Citus' `citus.shard_count` (32). */
  shardCount?: number | undefined
  /**
   * Another distributed collection in the schema whose shards this one's go beside (joins between
   * them stay on one node), or `'none'`; default: Citus' own choice.
   */
  colocateWith?: string | undefined
}

export interface Distribution {
  readonly shardCount: number | null
  readonly colocateWith: string | 'none' | 'default'
}

const DISTRIBUTED_KEYS = optionKeys<DistributedOptions>()({ shardCount: true, colocateWith: true })

/** `distributed` checked: null when not asked for; asked for without Citus, ExtensionUnavailable. */
export function checkDistribution(given: unknown, citus: boolean): Distribution | null {
  if (given === undefined || given === false) return null
  if (given !== true && !isPlainObject(given))
    throw new ArgError('distributed must be true, false or { shardCount, colocateWith }')
  if (!citus)
    throw new ExtensionUnavailable(
      'distributed collections need Citus: connect to a Citus coordinator (CREATE EXTENSION citus), or leave distributed out',
    )
  if (given === true) return { shardCount: null, colocateWith: 'default' }
  checkKeys('distributed', given, DISTRIBUTED_KEYS)
  const options = given as DistributedOptions
  const shardCount =
    options.shardCount === undefined
      ? null
      : checkInteger('shardCount', options.shardCount, { min: 1, max: 64_000 })
  const colocateWith =
    options.colocateWith === undefined
      ? 'default'
      : options.colocateWith === 'none'
        ? 'none'
        : checkName(options.colocateWith, 'colocateWith')
  return { shardCount, colocateWith }
}

/**
 * Distributes the collection's table by `id` where it is not yet (a collection Python vecs made
 * too: its rows move to the shards), inside the caller's transaction. A shard's name is its
 * table's or index's with `_<shard id>` after it; where that passes PostgreSQL's 63 bytes, each
 * worker shortens it, and shortening in parallel in one transaction deadlocks inside Citus, so
 * such a table's shards are made one at a time (the rest of the transaction stays so).
 */
export async function distribute(
  tx: Queryable,
  table: Pick<TableRef, 'schema' | 'name'>,
  wanted: Distribution,
): Promise<void> {
  if ((await shardCounts(tx, table.schema, [table.name])).has(table.name)) return
  const colocate =
    wanted.colocateWith === 'none' || wanted.colocateWith === 'default'
      ? wanted.colocateWith
      : { schema: table.schema, name: wanted.colocateWith }
  const [longest] = await execute<{ bytes: number }>(tx, selectLongestName(table))
  if ((longest?.bytes ?? 0) + SHARD_SUFFIX_BYTES > MAX_NAME_BYTES)
    await execute(tx, setLocal({ 'citus.multi_shard_modify_mode': 'sequential' }))
  await execute(tx, distributeTable(table, wanted.shardCount, colocate))
}

const MAX_NAME_BYTES = 63
/** `_` and a shard id: Citus' ids are 64-bit, and ten digits give room for billions of shards. */
const SHARD_SUFFIX_BYTES = 11

/** The shard count of each distributed table among `names`; the rest are absent. */
export async function shardCounts(
  db: Queryable,
  schema: string,
  names: readonly string[],
): Promise<Map<string, number>> {
  if (names.length === 0) return new Map()
  const rows = await execute<{ name: string; shardCount: number }>(
    db,
    selectDistributed(schema, names),
  )
  return new Map(rows.map((r) => [r.name, r.shardCount]))
}
