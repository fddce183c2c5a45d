import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** The built bin, as `npm install vecs` links it. `npm test` builds it first. */
export const BIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url))

export interface Run {
  code: number
  stdout: string
  stderr: string
}

/**
 * Runs `vecs …` in a child process, as a user would from a shell (not a terminal). With `timeoutMs`,
 * a process still running then is killed and reported with code -1.
 */
export function vecs(
  args: readonly string[],
  {
    cwd,
    env = {},
    timeoutMs = 0,
  }: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<Run> {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run npm run build`)
  return new Promise((resolve) => {
    const childEnv = { ...process.env, ...env }
    delete childEnv.NODE_OPTIONS // the test runner's loader is not what a user has
    if (!('VECS_DB' in env)) delete childEnv.VECS_DB
    execFile(
      process.execPath,
      [BIN, ...args],
      { cwd, env: childEnv, maxBuffer: 64 * 1024 * 1024, timeout: timeoutMs },
      (error, stdout, stderr) => {
        if (error?.killed === true) {
          resolve({
            code: -1,
            stdout,
            stderr: `${stderr}(still running after ${timeoutMs} ms: killed)`,
          })
          return
        }
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
        resolve({ code, stdout, stderr })
      },
    )
  })
}

/** Parses the JSON document a `--json` run printed. */
export function jsonOf<T = unknown>(run: Run): T {
  if (run.code !== 0) throw new Error(`exit ${run.code}: ${run.stderr}`)
  return JSON.parse(run.stdout) as T
}
