import type { CommandSpec } from '../command.js'
import { bench } from './bench.js'
import { create } from './create.js'
import { demo } from './demo.js'
import { deleteCommand } from './delete.js'
import { importCommand } from './import.js'
import { buildIndex } from './build-index.js'
import { info } from './info.js'
import { list } from './list.js'
import { query } from './query.js'
import { tune } from './tune-index.js'

/** Every `vecs` command, in the order `vecs --help` lists them. */
export const COMMANDS = [
  demo,
  list,
  create,
  importCommand,
  buildIndex,
  tune,
  query,
  info,
  bench,
  deleteCommand,
] as readonly CommandSpec<never>[]
