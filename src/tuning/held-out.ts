import type { Measure } from '../types.js'

/** How many of a row's nearest neighbours span the directions a query made from it may move in. */
export const SPAN_NEIGHBOURS = 10

/**
 * A query like one the collection has not seen, made from a stored row. A stored row is an easy
 * query for an approximate index (the search walks straight to it, and its neighbours are its
 * graph's or its list's neighbours), so recall measured on stored rows overstates what unseen
 * queries get. The query is the row moved along its neighbourhood: in a random direction among
 * the offsets to its nearest neighbours (so it stays where the data lies, as unseen queries do),
 * as far as its second-nearest neighbour is; the row itself is then left out of the answers.
 * On GloVe-100 (cosine, 200 queries each; bench/tuning-queries.ts), the recall@10 such queries
 * measure against held-out words' at the same ef_search: 10,000 random words 0.951 / 0.938 at ef
 * 40; 100,000 random words 0.947 / 0.960 at ef 160; the 100,000 most frequent words 0.942 / 0.950
 * at ef 40. Moved as far in any direction, off the data, they measured far too low (0.810 against
 * 0.960 at ef 160 on 100,000 words), and stored rows as queries too high where it matters (0.967
 * against 0.938 on 10,000 words). Cosine works on the unit
 * sphere; other measures move the row in its own space.
 */
export function nearbyQuery(
  row: Float32Array,
  neighbours: readonly Float32Array[],
  measure: Measure,
  random: () => number,
): Float32Array {
  const onSphere = measure === 'cosine_distance'
  const base = onSphere ? unit(row) : row
  const near = neighbours.slice(0, SPAN_NEIGHBOURS).map((n) => (onSphere ? unit(n) : n))
  const second = near[Math.min(2, near.length) - 1]
  if (second === undefined) return base
  const direction = new Float32Array(base.length)
  for (const neighbour of near) {
    const weight = gaussian(random)
    for (let i = 0; i < direction.length; i++) {
      direction[i] =
        (direction[i] as number) + weight * ((neighbour[i] as number) - (base[i] as number))
    }
  }
  const step = Math.sqrt(base.reduce((sum, x, i) => sum + (x - (second[i] as number)) ** 2, 0))
  const along = unit(direction)
  return Float32Array.from(base, (x, i) => x + step * (along[i] as number))
}

/** A seeded generator (mulberry32), so that a tuning measures the same queries every time. */
export function seeded(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number)
  return sum
}

function unit(v: Float32Array): Float32Array {
  const norm = Math.sqrt(dot(v, v)) || 1
  return Float32Array.from(v, (x) => x / norm)
}

function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random())
}
