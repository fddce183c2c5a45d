/** Deterministic test data: the seeded generator vecs' tuning uses, so every run sees the same vectors. */
import { seeded } from '../../src/tuning/held-out.js'

export { seeded }

/** `n` vectors of `dim` values in [-1, 1), from `seed`. */
export function randomVectors(n: number, dim: number, seed = 1): number[][] {
  const next = seeded(seed)
  return Array.from({ length: n }, () => Array.from({ length: dim }, () => next() * 2 - 1))
}

/** Exact distances, computed in JS, to check what the database returns. */
export const distances = {
  cosine_distance: (a: readonly number[], b: readonly number[]) =>
    1 - dot(a, b) / (norm(a) * norm(b)),
  l2_distance: (a: readonly number[], b: readonly number[]) =>
    Math.sqrt(a.reduce((s, x, i) => s + (x - (b[i] as number)) ** 2, 0)),
  max_inner_product: (a: readonly number[], b: readonly number[]) => -dot(a, b),
  l1_distance: (a: readonly number[], b: readonly number[]) =>
    a.reduce((s, x, i) => s + Math.abs(x - (b[i] as number)), 0),
} as const

/** Ids (`v<i>`) of the `k` vectors nearest to `q` under `measure`, computed exactly in JS. */
export function exactNearest(
  vectors: number[][],
  q: readonly number[],
  measure: keyof typeof distances,
  k: number,
): string[] {
  return vectors
    .map((v, i) => ({ id: `v${i}`, d: distances[measure](q, v) }))
    .sort((a, b) => a.d - b.d)
    .slice(0, k)
    .map((x) => x.id)
}

function dot(a: readonly number[], b: readonly number[]): number {
  return a.reduce((s, x, i) => s + x * (b[i] as number), 0)
}

function norm(a: readonly number[]): number {
  return Math.sqrt(dot(a, a))
}
