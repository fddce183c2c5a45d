import { ArgError } from '../errors.js'
import type { UpsertInput, UpsertRecord } from '../types.js'

/**
 * A Standard Schema (https://standardschema.dev: zod, valibot, arktype and others implement it)
 * for a collection's metadata: `upsert` checks each record's metadata with it and stores what it
 * returns. Only the part vecs calls is typed here.
 */
export interface MetadataSchema<Meta = unknown> {
  readonly '~standard': {
    readonly version: 1
    readonly vendor: string
    readonly validate: (value: unknown) => SchemaResult<Meta> | PromiseLike<SchemaResult<Meta>>
  }
}

export type SchemaResult<T> =
  { readonly value: T; readonly issues?: undefined } | { readonly issues: readonly SchemaIssue[] }

export interface SchemaIssue {
  readonly message: string
  readonly path?: readonly (PropertyKey | { readonly key: PropertyKey })[] | undefined
}

/** `schema` as given to `getOrCreateCollection`, checked to be a Standard Schema; null for none. */
export function checkMetadataSchema(schema: unknown): MetadataSchema | null {
  if (schema === undefined) return null
  const props = (schema as { '~standard'?: { version?: unknown; validate?: unknown } } | null)?.[
    '~standard'
  ]
  if (props?.version !== 1 || typeof props.validate !== 'function') {
    throw new ArgError(
      'metadataSchema must be a Standard Schema (version 1), e.g. a zod or valibot schema',
    )
  }
  return schema as MetadataSchema
}

/**
 * The records with their metadata as `schema` returns it (a record without metadata is checked as
 * `{}`); a record it rejects is an ArgError naming the record's id and the schema's issues. An
 * array is checked whole before anything is written; an iterable record by record.
 */
export async function validateRecords<M>(
  records: UpsertInput<M>,
  schema: MetadataSchema,
): Promise<UpsertInput<M>> {
  if (Array.isArray(records)) {
    const checked: UpsertRecord<M>[] = []
    for (const record of records as UpsertRecord<M>[])
      checked.push(await validateRecord(record, schema))
    return checked
  }
  return (async function* () {
    for await (const record of records) yield await validateRecord(record, schema)
  })()
}

async function validateRecord<M>(
  record: UpsertRecord<M>,
  schema: MetadataSchema,
): Promise<UpsertRecord<M>> {
  // A malformed record is left for recordParts to refuse with its own message.
  if (Array.isArray(record)) {
    const [id, vector, metadata] = record as readonly [string, M, unknown]
    return [id, vector, await validated(id, metadata, schema)] as UpsertRecord<M>
  }
  if (typeof record !== 'object' || record === null || !('id' in record)) return record
  const object = record as { id: unknown; metadata?: unknown }
  return { ...record, metadata: await validated(object.id, object.metadata, schema) }
}

async function validated(id: unknown, metadata: unknown, schema: MetadataSchema): Promise<never> {
  const result = await schema['~standard'].validate(metadata ?? {})
  if (result.issues !== undefined) {
    const issues = result.issues.map((issue) => {
      const path = (issue.path ?? []).map((p) => String(typeof p === 'object' ? p.key : p))
      return path.length === 0 ? issue.message : `${path.join('.')}: ${issue.message}`
    })
    throw new ArgError(
      `the metadata of record ${JSON.stringify(String(id))} does not match the collection's ` +
        `metadataSchema: ${issues.join('; ')}`,
    )
  }
  return result.value as never
}
