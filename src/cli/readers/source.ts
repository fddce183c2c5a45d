import type { Metadata, Vector } from '../../index.js'

/** A record read from a file, with where it was read, for error messages. */
export interface ReadRecord {
  readonly where: string
  readonly id: string
  readonly vector: Vector
  readonly metadata: Metadata
}

/** Bytes of the file consumed so far, for progress and ETA. */
export interface ReadPosition {
  bytes: number
}

/** Formats `vecs import` reads, by the file extension unless `--format` says. */
export const FORMATS = ['jsonl', 'csv', 'f32', 'npy'] as const
export type Format = (typeof FORMATS)[number]

const EXTENSIONS: Record<string, Format> = {
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.csv': 'csv',
  '.f32': 'f32',
  '.npy': 'npy',
}

export function formatOf(path: string): Format | null {
  const dot = path.lastIndexOf('.')
  return dot < 0 ? null : (EXTENSIONS[path.slice(dot).toLowerCase()] ?? null)
}

/** Ids are strings; whole numbers are taken as their decimal text. */
export function idOf(value: unknown): string | null {
  if (typeof value === 'string') return value
  if (Number.isSafeInteger(value)) return String(value)
  return null
}
