import type { Backend, Queryable } from '../backend/backend.js'
import type { TableRef } from '../sql/tables.js'
import type { IndexArgs } from './args.js'
import { buildInOpenTransaction } from './build.js'
import { planIndex, rebuildOptions } from './index-options.js'
import type { BuildNote } from './note.js'
import type { CurrentIndex } from './read.js'

/**
 * Builds on `target` the index `current` describes, as `reindex()` would (its method, measure,
 * quantization and arguments; IVFFlat lists vecs chose are chosen again for the rows now), inside
 * the caller's transaction, with memory and parallel workers sized as for `createIndex`. What a
 * load that skipped the index runs once its rows are in. The new index gets a new name; a tuning
 * is kept while the arguments are the same (the setting it found still applies to this graph or
 * these lists, and the rows it was measured on show when to tune again), and otherwise becomes
 * advice to tune.
 */
export async function buildAfterLoad(
  db: Backend,
  tx: Queryable,
  target: TableRef,
  current: CurrentIndex,
): Promise<void> {
  const options = { ...rebuildOptions(current, target.name), targetRecall: null }
  const plan = planIndex(options, target.type, target.dimension)
  await buildInOpenTransaction(db, tx, target, plan, (args) => keptTuning(current, args))
}

function keptTuning(current: CurrentIndex, args: IndexArgs): Partial<BuildNote> {
  const tuning = current.note?.tuning
  if (tuning === undefined) return current.note?.tuneAdvised === true ? { tuneAdvised: true } : {}
  const { info } = current
  const same =
    args.method === 'hnsw'
      ? info.method === 'hnsw' && info.m === args.m && info.efConstruction === args.efConstruction
      : info.method === 'ivfflat' && info.nLists === args.nLists
  return same ? { tuning } : { tuneAdvised: true }
}
