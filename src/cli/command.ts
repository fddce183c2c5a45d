import { InvalidArgumentError } from 'commander'
import type { Context } from './context.js'

/**
 * One command, defined once: commander builds its parser and its `--help` from this, and `run`
 * gets the parsed arguments and options.
 */
export interface CommandSpec<O = Record<string, unknown>> {
  readonly name: string
  readonly summary: string
  readonly args?: readonly ArgSpec[]
  readonly options?: readonly OptionSpec[]
  /** Shown under the options in `--help`. */
  readonly examples?: readonly string[]
  run(ctx: Context, args: string[], options: O): Promise<void>
}

export interface ArgSpec {
  readonly name: string
  readonly description: string
  readonly optional?: boolean
}

export interface OptionSpec {
  /** Commander's flags, e.g. `--dim <n>`. */
  readonly flags: string
  readonly description: string
  readonly parse?: (value: string) => unknown
  readonly choices?: readonly string[]
  readonly default?: string | number | boolean
  readonly required?: boolean
}

/** Keeps a command's option type next to its definition. */
export function defineCommand<O>(spec: CommandSpec<O>): CommandSpec<O> {
  return spec
}

/** An option value that must be a whole number; the library checks its range. */
export function integer(value: string): number {
  if (!/^-?\d+$/.test(value.trim())) throw new InvalidArgumentError('expected a whole number')
  return Number(value)
}

/** A recall target: a number above 0 and below 1, e.g. `0.95`. */
export function recall(value: string): number {
  const n = Number(value.trim())
  if (value.trim() === '' || !(n > 0 && n < 1))
    throw new InvalidArgumentError('expected a recall above 0 and below 1, e.g. 0.95')
  return n
}

/** A comma-separated list of whole numbers, e.g. `10,20,40`. */
export function integers(value: string): number[] {
  return value.split(',').map((part) => integer(part))
}

/** An option value holding JSON (a vector, a filter). */
export function json(value: string): unknown {
  try {
    return JSON.parse(value)
  } catch {
    throw new InvalidArgumentError('expected JSON')
  }
}
