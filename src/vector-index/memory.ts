import { ArgError } from '../errors.js'
import type { Quantization, VectorType } from '../types.js'
import type { IndexArgs } from './args.js'

/** What a build's memory depends on. */
export interface BuildShape {
  readonly rows: number
  readonly dimension: number
  /** What the index stores: the column's type, or its quantized key (see sql/quantized.ts). */
  readonly stored: StoredKey
  readonly args: IndexArgs
}

/** What an index stores a vector as. */
export type StoredKey = VectorType | 'bit'

/** What an index on a column of `type` stores under `quantization`. */
export function storedKey(type: VectorType, quantization: Quantization): StoredKey {
  return quantization === 'binary' ? 'bit' : quantization === 'halfvec' ? 'halfvec' : type
}

const KB = 1024
const MB = 1024 * KB

/** Default cap on what vecs asks for a build: enough for ~1M × 768-dim HNSW graphs in memory. */
export const DEFAULT_MAX_MAINTENANCE_WORK_MEM = 2048 * MB

/**
 * Bytes a build needs in `maintenance_work_mem`, from pgvector's data structures (64-bit sizes,
 * rounded up). HNSW keeps the whole graph in memory: per row an element header, its neighbour
 * lists (2·m on layer 0, m on each upper layer, 16 bytes a candidate) and the vector; past
 * maintenance_work_mem it falls back to a much slower on-disk build. IVFFlat runs k-means on
 * max(50·lists, 10000) sampled rows (at most all rows) and fails with "memory required is N MB"
 * when the samples, centers and Elkan bounds (samples × lists floats) do not fit.
 */
export function estimateBuildBytes(shape: BuildShape): number {
  const item = vectorItemBytes(shape.stored, shape.dimension)
  if (shape.args.method === 'hnsw') {
    const m = shape.args.m
    const upperLayers = 1 / Math.max(m - 1, 1) // expected layers above 0 per element: 1/(m-1)
    const neighbours = 16 + (8 + 16 * 2 * m) + upperLayers * (8 + 8 + 16 * m)
    return Math.ceil(shape.rows * (128 + neighbours + item) * 1.1)
  }
  const lists = shape.args.nLists
  const samples = Math.max(1, Math.min(Math.max(lists * 50, 10_000), shape.rows))
  const vectors = (samples + 2 * lists) * item
  const bounds = 4 * samples * (lists + 2) + 4 * lists * (lists + shape.dimension + 3)
  return Math.ceil((vectors + bounds) * 1.1)
}

/**
 * The size pgvector stores one vector in: an 8-byte header, then float32 or float16 values, or one
 * bit a dimension, 8-aligned.
 */
function vectorItemBytes(stored: StoredKey, dimension: number): number {
  const values =
    stored === 'bit' ? Math.ceil(dimension / 8) : (stored === 'halfvec' ? 2 : 4) * dimension
  return Math.ceil((8 + values) / 8) * 8
}

/**
 * The `maintenance_work_mem` to set for a build, in kB: the estimate plus headroom, and with
 * parallel workers at least the 32 MB a participant PostgreSQL wants before it plans one (leader
 * included); never below the server's current setting, never above the cap.
 */
export function workMemForBuild(
  estimateBytes: number,
  currentKb: number,
  capBytes: number,
  workers = 0,
): number {
  const participants = workers > 0 ? 32 * MB * (workers + 1) : 0
  const wantedKb = Math.ceil(Math.max(estimateBytes + 16 * MB, participants) / KB)
  return Math.max(currentKb, Math.min(wantedKb, Math.floor(capBytes / KB)))
}

const UNITS: Record<string, number> = { B: 1, KB, MB, GB: 1024 * MB, TB: 1024 * 1024 * MB }

/**
 * Reads a memory size: a number of bytes, or a string such as `'512MB'`, `'2GB'`, `'65536kB'`
 * (Postgres units, case-insensitive). At least 1 MB (Postgres' own floor for maintenance_work_mem).
 */
export function parseMemory(value: unknown, name = 'maxMaintenanceWorkMem'): number {
  const bytes = typeof value === 'number' ? value : parseMemoryText(value)
  if (!Number.isFinite(bytes) || bytes < MB || bytes > 2 ** 41) {
    throw new ArgError(`${name} must be a size from 1MB to 2TB, as bytes or a string like '512MB'`)
  }
  return bytes
}

function parseMemoryText(value: unknown): number {
  const match =
    typeof value === 'string' ? /^\s*(\d+(?:\.\d+)?)\s*([kmgt]?b)\s*$/i.exec(value) : null
  if (!match) return Number.NaN
  return Number(match[1]) * (UNITS[(match[2] as string).toUpperCase()] as number)
}

/** Reads a Postgres memory setting as shown by current_setting ('64MB', '1GB', '512kB') into kB. */
export function settingToKb(setting: string): number {
  const match = /^(\d+)\s*([kmgt]?b)$/i.exec(setting.trim())
  if (!match) return 64 * 1024
  return (Number(match[1]) * (UNITS[(match[2] as string).toUpperCase()] as number)) / KB
}
