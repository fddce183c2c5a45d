/**
 * The embedded directory lock: one client at a time per PGlite directory, in this process or any
 * other, and a lock left by a process that died is taken over.
 */
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { existsSync } from 'node:fs'
import { cp, mkdtemp, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { after, afterEach, before, beforeEach, describe, test } from 'node:test'
import { ArgError, createClient, DatabaseLocked, VecsError, type Client } from '../src/index.js'

/** Per test: a PGlite open takes seconds, a hang in open or disconnect must still fail. */
const T = { timeout: 60_000 }

describe('embedded directory lock', () => {
  let template: string
  let dir: string
  let clients: Client[]
  let children: ChildProcess[]

  // A database made once and copied for each test: creating one (initdb, in WebAssembly) takes
  // seconds, and the lock does not care whether its directory was made just now.
  before(async () => {
    template = await mkdtemp(join(tmpdir(), 'vecs-lock-template-'))
    await (await createClient(template)).disconnect()
  })

  after(() => rm(template, { recursive: true, force: true, maxRetries: 5 }))

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vecs-lock-'))
    await cp(template, dir, { recursive: true })
    clients = []
    children = []
  })

  afterEach(async () => {
    for (const child of children) await stop(child, 'SIGKILL')
    for (const client of clients) await client.disconnect().catch(() => {})
    await rm(dir, { recursive: true, force: true, maxRetries: 5 })
  })

  /** A client this test closes itself; afterEach closes it when an assertion failed first. */
  async function open(location: string): Promise<Client> {
    const client = await createClient(location)
    clients.push(client)
    return client
  }

  async function close(client: Client): Promise<void> {
    await client.disconnect()
    clients = clients.filter((c) => c !== client)
  }

  function opener(options: { seed?: boolean } = {}): Opener {
    const o = spawnOpener(dir, options)
    children.push(o.child)
    return o
  }

  test('a directory keeps its data after the client disconnects', T, async () => {
    await seed(dir)
    const vx = await open(dir)
    assert.deepEqual(await fetchIds(vx), ['a', 'b'])
  })

  test('a file:// URL opens the same directory', T, async () => {
    await seed(pathToFileURL(dir).href)
    const vx = await open(dir)
    assert.deepEqual(await fetchIds(vx), ['a', 'b'])
  })

  test(
    'the lock file holds the owner pid and host while open, and is gone after disconnect',
    T,
    async () => {
      const vx = await open(dir)
      assert.deepEqual(await readLock(dir), { pid: process.pid, host: hostname() })
      await close(vx)
      assert.equal(existsSync(lockFile(dir)), false)
    },
  )

  test(
    'a second client in the same process is DatabaseLocked while the first is open',
    T,
    async () => {
      const first = await open(dir)
      const error = await rejection(createClient(dir))
      assert.ok(error instanceof DatabaseLocked)
      assert.ok(error instanceof VecsError)
      assert.equal(error.code, 'VECS_LOCKED')
      assert.equal(error.name, 'DatabaseLocked')
      assert.ok(error.message.includes(dir), `message names the directory: ${error.message}`)
      assert.match(error.message, /another client in this process/)
      // The refused opener must not have released the first client's lock.
      assert.deepEqual(await readLock(dir), { pid: process.pid, host: hostname() })
      await assert.rejects(createClient(dir), DatabaseLocked)
      assert.equal(first.backend, 'pglite')
      await close(first)
      const second = await open(dir)
      assert.equal(second.backend, 'pglite')
    },
  )

  test('the same directory through a file:// URL or a symlink is locked too', T, async () => {
    await open(dir)
    await assert.rejects(createClient(pathToFileURL(dir).href), { code: 'VECS_LOCKED' })
    const link = `${dir}-link`
    await symlink(dir, link)
    try {
      await assert.rejects(createClient(link), { code: 'VECS_LOCKED' })
    } finally {
      await rm(link)
    }
  })

  test('another process is DatabaseLocked while this process holds the directory', T, async () => {
    await open(dir)
    const o = opener()
    const report = await o.report
    assert.equal(report.opened, false)
    assert.equal(report.name, 'DatabaseLocked')
    assert.equal(report.code, 'VECS_LOCKED')
    assert.ok(report.message?.includes(dir), `message names the directory: ${report.message}`)
    assert.ok(
      report.message?.includes(`process ${process.pid}`),
      `message names the owner: ${report.message}`,
    )
    assert.equal((await o.exit).code, 0)
  })

  test(
    'this process is DatabaseLocked while another process holds the directory, then opens after it exits',
    T,
    async () => {
      const o = opener({ seed: true })
      assert.equal((await o.report).opened, true)
      const error = await rejection(createClient(dir))
      assert.ok(error instanceof DatabaseLocked)
      assert.ok(error.message.includes(dir), `message names the directory: ${error.message}`)
      assert.ok(
        error.message.includes(`process ${o.child.pid}`),
        `message names the owner: ${error.message}`,
      )
      o.child.stdin?.end()
      assert.equal((await o.exit).code, 0)
      const vx = await open(dir)
      assert.deepEqual(await fetchIds(vx), ['child'])
    },
  )

  test('a lock left by a process that has exited is taken over', T, async () => {
    await seed(dir)
    const pid = await deadPid()
    await writeFile(lockFile(dir), JSON.stringify({ pid, host: hostname() }))
    const vx = await open(dir)
    assert.deepEqual(await fetchIds(vx), ['a', 'b'])
    assert.deepEqual(await readLock(dir), { pid: process.pid, host: hostname() })
  })

  test(
    "a lock with this process's pid that no client here holds is stale (a restarted container)",
    T,
    async () => {
      await writeFile(lockFile(dir), JSON.stringify({ pid: process.pid, host: hostname() }))
      const vx = await open(dir)
      assert.equal(vx.backend, 'pglite')
      assert.deepEqual(await readLock(dir), { pid: process.pid, host: hostname() })
      await assert.rejects(createClient(dir), DatabaseLocked)
    },
  )

  test(
    'an unreadable lock file is taken over once it is older than a moment, not while fresh',
    T,
    async () => {
      await writeFile(lockFile(dir), '')
      await assert.rejects(createClient(dir), /being opened by another process/)
      const old = new Date(Date.now() - 60_000)
      await utimes(lockFile(dir), old, old)
      await open(dir)
      assert.deepEqual(await readLock(dir), { pid: process.pid, host: hostname() })
    },
  )

  test('a lock written on another host is kept, even with a pid that is dead here', T, async () => {
    const lock = { pid: await deadPid(), host: `not-${hostname()}` }
    await writeFile(lockFile(dir), JSON.stringify(lock))
    await assert.rejects(createClient(dir), DatabaseLocked)
    assert.deepEqual(await readLock(dir), lock)
  })

  test(
    'a lock left by a process killed with SIGKILL is taken over, and its data opens',
    T,
    async () => {
      const o = opener({ seed: true })
      assert.equal((await o.report).opened, true)
      await stop(o.child, 'SIGKILL')
      // The child could not clean up: its lock file is still there.
      assert.equal((await readLock(dir)).pid, o.child.pid)
      const vx = await open(dir)
      assert.deepEqual(await fetchIds(vx), ['child'])
    },
  )

  test('await using releases the lock at the end of the block', T, async () => {
    {
      await using vx = await createClient(dir)
      assert.equal(vx.backend, 'pglite')
      assert.equal(existsSync(lockFile(dir)), true)
      await assert.rejects(createClient(dir), DatabaseLocked)
    }
    assert.equal(existsSync(lockFile(dir)), false)
    await open(dir)
  })

  test('a location with an unknown URL scheme is ArgError, not a directory', T, async () => {
    for (const location of ['mysql://x', 'sqlite://vecs.db', 'http://localhost:5432/db']) {
      await assert.rejects(createClient(location), (error: unknown) => {
        assert.ok(error instanceof ArgError, `${location}: ${String(error)}`)
        assert.equal(error.code, 'VECS_ARG')
        return true
      })
    }
  })
})

const SRC_INDEX = fileURLToPath(new URL('../src/index.ts', import.meta.url))

/**
 * The child: opens the directory (seeding one record when asked), prints one JSON line saying what
 * it got, and holds the client until its stdin closes.
 */
const CHILD_SCRIPT = `
import { createClient } from ${JSON.stringify(pathToFileURL(SRC_INDEX).href)}
const report = (value) => process.stdout.write(JSON.stringify(value) + '\\n')
try {
  const vx = await createClient(process.env.VECS_LOCK_DIR)
  if (process.env.VECS_LOCK_SEED === '1') {
    const docs = await vx.getOrCreateCollection('docs', { dimension: 3 })
    await docs.upsert([['child', [0, 0, 1]]])
  }
  report({ opened: true })
  process.stdin.on('data', () => {})
  process.stdin.once('end', async () => {
    await vx.disconnect()
    process.exit(0)
  })
} catch (error) {
  report({ opened: false, name: error.name, code: error.code, message: error.message })
}
`

interface Report {
  opened: boolean
  name?: string
  code?: string
  message?: string
}

interface Opener {
  child: ChildProcess
  /** The child's one-line report (rejects with its stderr if it exits without one). */
  report: Promise<Report>
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

function spawnOpener(dir: string, options: { seed?: boolean }): Opener {
  const args = ['--import', 'tsx', '--input-type=module', '-e', CHILD_SCRIPT]
  const env = { ...process.env, VECS_LOCK_DIR: dir, VECS_LOCK_SEED: options.seed ? '1' : '0' }
  const child = spawn(process.execPath, args, { env, stdio: ['pipe', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (chunk) => (stderr += String(chunk)))
  const exit = exitOf(child)
  const lines = createInterface({ input: child.stdout })
  const report = Promise.race([
    once(lines, 'line').then(([line]) => JSON.parse(line as string) as Report),
    exit.then(({ code, signal }) => {
      throw new Error(`the child exited (${code ?? signal}) without a report: ${stderr}`)
    }),
  ])
  return { child, report, exit }
}

function exitOf(
  child: ChildProcess,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode })
  }
  return once(child, 'exit').then(([code, signal]) => ({ code, signal }))
}

async function stop(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  const exited = exitOf(child)
  child.kill(signal)
  await exited
}

/** The pid of a process that ran and has been reaped. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' })
  await exitOf(child)
  assert.ok(child.pid !== undefined)
  return child.pid
}

/** Writes two records through a client that is closed again. */
async function seed(location: string): Promise<void> {
  const vx = await createClient(location)
  try {
    const docs = await vx.getOrCreateCollection('docs', { dimension: 3 })
    await docs.upsert([
      ['a', [1, 0, 0], { n: 1 }],
      ['b', [0, 1, 0], { n: 2 }],
    ])
  } finally {
    await vx.disconnect()
  }
}

async function fetchIds(vx: Client): Promise<string[]> {
  const docs = await vx.getCollection('docs')
  const records = await docs.fetch(['a', 'b', 'child'])
  return records.map((r) => r.id).sort()
}

function lockFile(dir: string): string {
  return join(dir, 'vecs.lock')
}

async function readLock(dir: string): Promise<{ pid: number; host: string }> {
  return JSON.parse(await readFile(lockFile(dir), 'utf8'))
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (error) {
    assert.ok(error instanceof Error)
    return error
  }
  assert.fail('expected a rejection')
}
