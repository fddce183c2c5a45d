import { CollectionNotFound, createClient, type Client, type Collection } from '../index.js'
import type { WarningPrinter } from './warning-printer.js'

/** What every command gets: where the database is, how to print, and whether a person is watching. */
export interface Context {
  /** `--db`, `VECS_DB`, or `./vecs-data`. */
  readonly db: string
  readonly schema: string
  /** `--json`: one JSON document on stdout, nothing else there. */
  readonly json: boolean
  /** Progress bars on stderr when it is a terminal; plain lines otherwise. */
  readonly tty: boolean
  readonly stdout: NodeJS.WritableStream
  readonly stderr: NodeJS.WritableStream
  readonly warnings: WarningPrinter
}

/** A line for people on stdout; silent under `--json`, where `printJson` speaks instead. */
export function say(ctx: Context, line = ''): void {
  if (!ctx.json) ctx.stdout.write(line + '\n')
}

export function printJson(ctx: Context, value: unknown): void {
  if (ctx.json) ctx.stdout.write(JSON.stringify(value, null, 2) + '\n')
}

/** The database location for people to read: a server URL without its password. */
export function shownDb(ctx: Context): string {
  if (!/^postgres(ql)?:\/\//.test(ctx.db)) return ctx.db
  try {
    const url = new URL(ctx.db)
    if (url.password !== '') url.password = '***'
    return url.toString()
  } catch {
    return 'the server'
  }
}

/** Opens the database for one command and always closes it. */
export async function withClient<T>(ctx: Context, fn: (vx: Client) => Promise<T>): Promise<T> {
  const vx = await createClient(ctx.db, { schema: ctx.schema })
  try {
    return await fn(vx)
  } finally {
    await vx.disconnect()
  }
}

/** The collection of that name, or null where there is none (other errors still throw). */
export async function findCollection(vx: Client, name: string): Promise<Collection | null> {
  try {
    return await vx.getCollection(name)
  } catch (error) {
    if (error instanceof CollectionNotFound) return null
    throw error
  }
}
