import type { AdapterContext, AdapterRecord, AdapterStep } from './adapter.js'
import { checkDimension } from '../vector.js'

/**
 * A step that passes records through unchanged and exports a dimension: for collections whose
 * media already are vectors, as Python vecs' `NoOp`.
 *
 * @example
 * new Adapter<number[]>([new NoOp(3)])
 */
export class NoOp implements AdapterStep {
  readonly exportedDimension: number

  /** `dimension`: an integer 1..16000, else `ArgError`. */
  constructor(dimension: number) {
    this.exportedDimension = checkDimension(dimension)
  }

  async *run(
    records: AsyncIterable<AdapterRecord>,
    _context: AdapterContext,
  ): AsyncIterable<AdapterRecord> {
    yield* records
  }
}
