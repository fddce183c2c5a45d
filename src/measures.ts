import { ArgError } from './errors.js'
import {
  MEASURES,
  VECTOR_TYPES,
  type Measure,
  type Quantization,
  type VectorType,
} from './types.js'

/** What each measure is in pgvector: its operator, the suffix of its ops class, the methods that index it. */
export const MEASURE_SPECS = {
  cosine_distance: { operator: '<=>', ops: 'cosine_ops', methods: ['hnsw', 'ivfflat'] },
  l2_distance: { operator: '<->', ops: 'l2_ops', methods: ['hnsw', 'ivfflat'] },
  max_inner_product: { operator: '<#>', ops: 'ip_ops', methods: ['hnsw', 'ivfflat'] },
  l1_distance: { operator: '<+>', ops: 'l1_ops', methods: ['hnsw'] },
} as const satisfies Record<Measure, { operator: string; ops: string; methods: readonly string[] }>

/** Checks a measure name given by a user. */
export function checkMeasure(measure: unknown): Measure {
  if (!MEASURES.includes(measure as Measure)) {
    throw new ArgError(`measure must be one of ${MEASURES.join(', ')}`)
  }
  return measure as Measure
}

/** The ops class that indexes `measure` on a column of `type`: `vector_cosine_ops`, `halfvec_l2_ops`. */
export function opsClass(type: VectorType, measure: Measure): string {
  return `${type}_${MEASURE_SPECS[measure].ops}`
}

/** The ops class of an index on a column of `type` quantized as `quantization` (see sql/quantized.ts). */
export function indexOpsClass(
  type: VectorType,
  measure: Measure,
  quantization: Quantization,
): string {
  if (quantization === 'binary') return BINARY_OPS_CLASS
  return opsClass(quantization === 'halfvec' ? 'halfvec' : type, measure)
}

/** Bit keys are compared by Hamming distance. */
const BINARY_OPS_CLASS = 'bit_hamming_ops'

/** The measure an ops class indexes, or null for an ops class vecs does not know. */
export function measureOfOpsClass(ops: string): Measure | null {
  return MEASURES.find((m) => VECTOR_TYPES.some((type) => opsClass(type, m) === ops)) ?? null
}

/**
 * A similarity where higher is nearer, from a measure's distance `d`: cosine similarity 1 − d
 * (−1..1), the inner product itself (pgvector's `<#>` is its negative), and 1 / (1 + d) for L2 and
 * L1 (1 for the same vector, towards 0 far away).
 */
export function similarityOf(measure: Measure, d: number): number {
  switch (measure) {
    case 'cosine_distance':
      return 1 - d
    case 'max_inner_product':
      return -d
    case 'l2_distance':
    case 'l1_distance':
      return 1 / (1 + d)
  }
}
