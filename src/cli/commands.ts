import type { CommandSpec } from './command.js'
import { bench } from './commands/bench.js'
import { create } from './commands/create.js'
import { demo } from './commands/demo.js'
import { deleteCommand } from './commands/delete.js'
import { importCommand } from './commands/import.js'
import { index } from './commands/index.js'
import { info } from './commands/info.js'
import { list } from './commands/list.js'
import { query } from './commands/query.js'

/** Every `vecs` command, in the order `vecs --help` lists them. */
export const COMMANDS = [
  demo,
  list,
  create,
  importCommand,
  index,
  query,
  info,
  bench,
  deleteCommand,
] as readonly CommandSpec<never>[]
