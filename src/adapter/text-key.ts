import { ArgError } from '../errors.js'
import type { Metadata } from '../types.js'

/**
 * An embedding step's `textKey`: the metadata key under which it keeps each text it embeds on
 * upsert, so that a text index on that key (`createTextIndex({ key })`) searches the very words
 * the vector was made from, chunk by chunk. Null when not given: the text is not kept.
 */
export function checkTextKey(textKey: unknown): string | null {
  if (textKey === undefined) return null
  if (typeof textKey !== 'string' || textKey === '' || textKey.length > 63)
    throw new ArgError('textKey must be a metadata key of 1 to 63 characters')
  return textKey
}

/** `metadata` with the text under `textKey`, on upsert; as it is otherwise. */
export function keepText(
  metadata: Metadata,
  textKey: string | null,
  text: string,
  context: string,
): Metadata {
  return textKey === null || context !== 'upsert' ? metadata : { ...metadata, [textKey]: text }
}
