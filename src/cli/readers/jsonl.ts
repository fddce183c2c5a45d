import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import { ArgError, type Metadata } from '../../index.js'
import { idOf, type ReadPosition, type ReadRecord } from './source.js'

/**
 * JSON Lines: one `{"id": …, "vector": […], "metadata": {…}}` a line (or `[id, vector, metadata]`);
 * blank lines are skipped. Streamed line by line.
 */
export async function* readJsonl(path: string, position: ReadPosition): AsyncGenerator<ReadRecord> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity })
  let number = 0
  for await (const line of lines) {
    number++
    position.bytes += Buffer.byteLength(line) + 1
    if (line.trim() !== '') yield parseLine(line, `line ${number}`)
  }
}

function parseLine(line: string, where: string): ReadRecord {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch {
    throw new ArgError(`${where}: not valid JSON`)
  }
  const [id, vector, metadata] = Array.isArray(value)
    ? value
    : typeof value === 'object' && value !== null
      ? [
          (value as { id?: unknown }).id,
          (value as { vector?: unknown }).vector,
          (value as { metadata?: unknown }).metadata,
        ]
      : []
  const checkedId = idOf(id)
  if (checkedId === null)
    throw new ArgError(`${where}: expected {"id", "vector", "metadata"} with a string id`)
  if (!Array.isArray(vector)) throw new ArgError(`${where}: "vector" must be an array of numbers`)
  return {
    where,
    id: checkedId,
    vector: vector as number[],
    metadata: (metadata ?? {}) as Metadata,
  }
}
