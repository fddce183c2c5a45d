import type { Backend } from '../backend/backend.js'
import { checkFlag, checkKeys, optionKeys } from '../checks.js'
import { checkDeleteTarget } from './target.js'
import { ArgError } from '../errors.js'
import { compileFilter } from '../filter/compile.js'
import { stringifyJson } from '../json.js'
import { parseMetadata } from './stored.js'
import { execute } from '../sql/execute.js'
import { ident, sql } from '../sql/fragment.js'
import { selectMetadataForUpdate, setMetadata, updateMetadataWhere } from '../sql/pages.js'
import type { TableRef } from '../sql/tables.js'
import type { Metadata, UpdateMetadataOptions } from '../types.js'
import { checkMetadata } from './metadata.js'
import { validateRecords, type MetadataSchema } from './metadata-schema.js'

const UPDATE_KEYS = optionKeys<UpdateMetadataOptions>()({ replace: true })

/**
 * Merges `patch` into the metadata of the records picked by ids or a (non-empty) filter, or
 * replaces it (`replace: true`), without sending their vectors; one transaction, the ids updated.
 * With a schema, each record's new metadata is checked (and stored as the schema returns it)
 * before any is written.
 */
export async function updateMetadata(
  db: Backend,
  table: TableRef,
  what: unknown,
  patch: unknown,
  options: unknown,
  schema: MetadataSchema | null,
): Promise<string[]> {
  const target = checkDeleteTarget(what, 'updateMetadata')
  const changes = checkMetadata(patch)
  if (typeof options !== 'object' || options === null)
    throw new ArgError('updateMetadata options must be an object')
  checkKeys('updateMetadata', options, UPDATE_KEYS)
  const replace = checkFlag('replace', (options as UpdateMetadataOptions).replace)
  if ('ids' in target && target.ids.length === 0) return []
  const condition =
    'ids' in target
      ? sql`id = ANY(${target.ids}::varchar[])`
      : compileFilter(target.filter, ident('metadata'))
  if (schema === null) {
    const statement = updateMetadataWhere(table, condition, stringifyJson(changes), replace)
    return (await execute<{ id: string }>(db, statement)).map((row) => row.id)
  }
  return db.transaction(async (tx) => {
    const rows = await execute<{ id: string; metadata: string }>(
      tx,
      selectMetadataForUpdate(table, condition),
    )
    const merged = rows.map(({ id, metadata }) => {
      const next: Metadata = replace ? changes : { ...parseMetadata(metadata), ...changes }
      return { id, vector: null, metadata: next }
    })
    const checked = (await validateRecords(merged, schema)) as typeof merged
    const values = checked.map(({ id, metadata }) => ({ id, metadata: checkMetadata(metadata) }))
    if (values.length > 0) await execute(tx, setMetadata(table, stringifyJson(values)))
    return values.map((row) => row.id)
  })
}
