/**
 * vecs as a user gets it: compiled by tsc with the project's tsconfig into a temporary directory,
 * beside a node_modules of links to this project's packages (optionally leaving some out, as a
 * user who never installed them), and scripts run there with plain node.
 */
import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const run = promisify(execFile)
const ROOT = fileURLToPath(new URL('../..', import.meta.url))

export interface BuiltPackage {
  /** The directory holding `dist/`, `node_modules/` and the scripts. */
  readonly dir: string
  /** Writes `source` as `<name>.mjs` in the directory and runs it with plain node. */
  runScript(name: string, source: string, timeoutMs?: number): Promise<ScriptResult>
  remove(): Promise<void>
}

export interface ScriptResult {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
  readonly ms: number
}

/** Builds vecs into a temporary directory; `without` names packages (or scopes) left out. */
export async function buildPackage(without: readonly string[] = []): Promise<BuiltPackage> {
  const dir = await mkdtemp(join(tmpdir(), 'vecs-built-'))
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc')
  await run(process.execPath, [
    tsc,
    '-p',
    join(ROOT, 'tsconfig.json'),
    '--outDir',
    join(dir, 'dist'),
  ])
  await writeFile(join(dir, 'package.json'), '{ "type": "module" }\n')
  await linkModules(join(dir, 'node_modules'), without)
  return {
    dir,
    async runScript(name, source, timeoutMs = 60_000) {
      const file = join(dir, `${name}.mjs`)
      await writeFile(file, source)
      return runNode(file, dir, timeoutMs)
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  }
}

async function linkModules(target: string, without: readonly string[]): Promise<void> {
  await mkdir(target)
  const source = join(ROOT, 'node_modules')
  for (const entry of await readdir(source)) {
    if (without.includes(entry) || entry === '.bin') continue
    await symlink(join(source, entry), join(target, entry))
  }
}

function runNode(file: string, cwd: string, timeoutMs: number): Promise<ScriptResult> {
  const started = performance.now()
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [file],
      { cwd, timeout: timeoutMs, env: { ...process.env, NODE_OPTIONS: '' } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0
        resolve({ code, stdout, stderr, ms: performance.now() - started })
      },
    )
  })
}
