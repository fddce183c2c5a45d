import { Command, CommanderError, Option } from 'commander'
import type { CommandSpec } from './command.js'
import { EXIT_CODES } from './exit-codes.js'
import type { Context } from './context.js'
import type { WarningPrinter } from './warning-printer.js'

export const DEFAULT_DB = './vecs-data'

export interface Io {
  stdout: NodeJS.WritableStream & { isTTY?: boolean }
  stderr: NodeJS.WritableStream & { isTTY?: boolean }
  warnings: WarningPrinter
}

/** The `vecs` program: global options, then one subcommand per spec, help derived from both. */
export function buildProgram(
  specs: readonly CommandSpec<never>[],
  io: Io,
  version: string,
): Command {
  const program = new Command('vecs')
    .description('Vector search on PostgreSQL + pgvector: embedded (PGlite) or on any server.')
    .version(version)
    .addOption(
      new Option('--db <location>', 'database: a directory, memory://, or a postgres:// URL')
        .env('VECS_DB')
        .default(DEFAULT_DB),
    )
    .option('--schema <name>', 'schema holding the collections', 'vecs')
    .option('--json', 'print one JSON document on stdout, for scripts', false)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => void io.stdout.write(text),
      writeErr: (text) => void io.stderr.write(text),
      outputError: (text, write) => write(`vecs: ${text.replace(/^error: /, '')}`),
    })
    .showSuggestionAfterError(true)
  for (const spec of specs) addCommand(program, spec, io)
  program.addHelpText('after', exitCodesHelp())
  return program
}

function addCommand(program: Command, spec: CommandSpec<never>, io: Io): void {
  const command = program.command(spec.name).description(spec.summary)
  for (const arg of spec.args ?? []) {
    command.argument(arg.optional ? `[${arg.name}]` : `<${arg.name}>`, arg.description)
  }
  for (const o of spec.options ?? []) {
    const option = new Option(o.flags, o.description)
    if (o.parse) option.argParser(o.parse)
    if (o.choices) option.choices(o.choices)
    if (o.default !== undefined) option.default(o.default)
    if (o.required) option.makeOptionMandatory()
    command.addOption(option)
  }
  if (spec.examples?.length) {
    command.addHelpText('after', `\nExamples:\n${spec.examples.map((e) => `  ${e}`).join('\n')}\n`)
  }
  command.action(async (...params: unknown[]) => {
    const self = params.at(-1) as Command
    const globals = self.optsWithGlobals<{ db: string; schema: string; json: boolean }>()
    const ctx: Context = {
      db: globals.db,
      schema: globals.schema,
      json: globals.json,
      tty: Boolean(io.stderr.isTTY) && !globals.json,
      stdout: io.stdout,
      stderr: io.stderr,
      warnings: io.warnings,
    }
    await spec.run(ctx, self.processedArgs as string[], self.opts() as never)
  })
}

function exitCodesHelp(): string {
  const byExit = new Map<number, string[]>()
  for (const [code, exit] of Object.entries(EXIT_CODES))
    byExit.set(exit, [...(byExit.get(exit) ?? []), code])
  const lines = [...byExit].map(([exit, codes]) => `  ${exit}  ${codes.join(', ')}`)
  return `\nExit codes (0 on success):\n${lines.join('\n')}\n`
}

/** Commander's own exits: help and version are successes, the rest are usage errors. */
export function isCommanderExit(error: unknown): error is CommanderError {
  return error instanceof CommanderError
}
