#!/usr/bin/env node
import { readFileSync } from 'node:fs'
import { VecsError } from '../index.js'
import { COMMANDS } from './commands/all.js'
import { EXIT_CODES, exitCodeOf } from './exit-codes.js'
import { buildProgram, isCommanderExit, type Io } from './program.js'
import { printWarnings } from './warning-printer.js'

const { version } = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
) as { version: string }

/** Runs one `vecs` invocation; failures print one line on stderr and give a non-zero exit code. */
export async function main(argv: readonly string[], io: Omit<Io, 'warnings'>): Promise<number> {
  const warnings = printWarnings(io.stderr)
  try {
    await buildProgram(COMMANDS, { ...io, warnings }, version).parseAsync(argv)
    return 0
  } catch (error) {
    if (isCommanderExit(error)) return error.exitCode === 0 ? 0 : EXIT_CODES.VECS_USAGE
    io.stderr.write(`vecs: ${firstLine(error)}\n`)
    return error instanceof VecsError ? exitCodeOf(error.code) : 1
  }
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  return message.split('\n')[0] ?? 'failed'
}

process.exitCode = await main(process.argv, { stdout: process.stdout, stderr: process.stderr })
