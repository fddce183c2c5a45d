import type { Queryable } from './backend/backend.js'
import { checkInteger, checkKeys, checkName, optionKeys } from './checks.js'
import { ArgError, ExtensionUnavailable } from './errors.js'
import { isPlainObject } from './json.js'
import { distributeTable, selectDistributed } from './sql/citus.js'
import { execute } from './sql/execute.js'
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
 * too: its rows move to the shards), inside the caller's transaction.
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
  await execute(tx, distributeTable(table, wanted.shardCount, colocate))
}

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
