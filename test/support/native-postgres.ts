import { execFile, execFileSync, spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { constants, existsSync, realpathSync, rmSync } from 'node:fs'
import {
  chmod,
  chown,
  copyFile,
  mkdir,
  mkdtemp,
  open,
  readdir,
  readFile,
  rm,
  symlink,
} from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, relative, sep } from 'node:path'
import { setTimeout as delay } from 'node:timers/promises'
import { promisify } from 'node:util'

/**
 * A throwaway PostgreSQL cluster, reachable over TCP on 127.0.0.1: without pgvector by default,
 * with it when asked (`{ pgvector: true }`, where the installation has it).
 */
export interface NativePostgres {
  readonly url: string
  /** The server's major version, e.g. '15'. */
  readonly major: string
  /** Stops the server and removes the cluster. */
  stop(): Promise<void>
  /** Stops the server as a crash or failover does (`pg_ctl stop -m immediate`); the data stays. */
  kill(): Promise<void>
  /** Starts the killed server again on the same port and data. */
  restart(): Promise<void>
}

export interface NativePostgresOptions {
  /** Run the installation as it is, pgvector included; without pgvector installed, a skip. */
  readonly pgvector?: boolean
}

/** Debian's PostgreSQL 15 unless VECS_TEST_PG_BIN names another installation's bin dir. */
const BIN_DIR = process.env['VECS_TEST_PG_BIN'] || '/usr/lib/postgresql/15/bin'
const BINARIES = ['initdb', 'pg_ctl', 'postgres', 'pg_isready'] as const
const OS_USER = 'postgres'
const START_TIMEOUT_MS = 30_000
const POLL_INTERVAL_MS = 100
const PORT_ATTEMPTS = 5
const LOG_TAIL_LINES = 20
const RM_OPTIONS = { recursive: true, force: true, maxRetries: 5 } as const

/** Why startNativePostgres() cannot run on this machine (callers skip with it), or null. */
export function nativePostgresSkipReason(options: NativePostgresOptions = {}): string | null {
  const found = installation()
  if (typeof found === 'string') return found
  if (options.pgvector && !existsSync(join(found.shareDir, 'extension', 'vector.control'))) {
    return `pgvector is not installed into the PostgreSQL in ${BIN_DIR} (../shared/tools/native-pg.sh installs it)`
  }
  return null
}

/**
 * Starts a fresh cluster in a temp dir, run by the installation in VECS_TEST_PG_BIN with pgvector
 * hidden from it. Call `stop()` when done; if the process exits first, an 'exit' hook kills the
 * server and removes the dir.
 *
 * @example
 * const server = await startNativePostgres()
 * try { await useDatabase(server.url) } finally { await server.stop() }
 */
export async function startNativePostgres(
  options: NativePostgresOptions = {},
): Promise<NativePostgres> {
  const reason = nativePostgresSkipReason(options)
  if (reason !== null) throw new Error(reason)
  const install = requireInstallation()
  const binDir = options.pgvector ? install.binDir : await binDirWithoutPgvector(install)
  const cluster = await createCluster(binDir)
  try {
    if (cluster.runAs !== null) await chownToUser(cluster.root, cluster.runAs)
    await run(cluster, 'initdb', initdbArgs(cluster))
    let server = await startServer(cluster)
    let stopping: Promise<void> | undefined
    return {
      url: `postgresql://${OS_USER}@127.0.0.1:${server.port}/postgres`,
      major: install.major,
      stop: () => (stopping ??= stopCluster(cluster, server.child)),
      kill: () => killServer(cluster, server.child),
      async restart() {
        server = await startServer(cluster, server.port)
      },
    }
  } catch (error) {
    await removeDir(cluster.root)
    throw error
  }
}

/** A PostgreSQL installation, as real paths: the server finds its files from its real path. */
interface Installation {
  readonly binDir: string
  /** pkglibdir: the modules, plpgsql.so and (when installed) vector.so among them. */
  readonly libDir: string
  /** sharedir: initdb's files, and in extension/ the extensions' control and SQL files. */
  readonly shareDir: string
  readonly major: string
}

let found: Installation | string | undefined

function installation(): Installation | string {
  return (found ??= findInstallation(BIN_DIR))
}

function requireInstallation(): Installation {
  const install = installation()
  if (typeof install === 'string') throw new Error(install)
  return install
}

/** The installation whose binaries are in `binDir`, or why it cannot be used. */
function findInstallation(binDir: string): Installation | string {
  const missing = BINARIES.filter((name) => !existsSync(join(binDir, name)))
  if (missing.length > 0) {
    return `no PostgreSQL in ${binDir} (no ${missing.join(', ')}); set VECS_TEST_PG_BIN to its bin dir`
  }
  try {
    // find_my_exec resolves symlinks, so the other dirs are relative to the binary's real dir.
    const realBin = dirname(realpathSync(join(binDir, 'postgres')))
    const major = majorVersion(realBin)
    return {
      binDir: realBin,
      libDir: firstDirWith('plpgsql.so', libDirCandidates(realBin, major)),
      shareDir: firstDirWith('postgres.bki', shareDirCandidates(realBin, major)),
      major,
    }
  } catch (error) {
    return `cannot use the PostgreSQL in ${binDir}: ${error instanceof Error ? error.message : error}`
  }
}

function majorVersion(binDir: string): string {
  const postgres = join(binDir, 'postgres')
  // --version is answered before the server's refusal to run as root.
  const output = execFileSync(postgres, ['--version'], { encoding: 'utf8', timeout: 10_000 })
  const major = /\(PostgreSQL\) (\d+)/.exec(output)?.[1]
  if (major === undefined) throw new Error(`${postgres} --version printed no version: ${output}`)
  return major
}

/** Where common layouts put the share dir, relative to the bin dir as PostgreSQL relocates it. */
function shareDirCandidates(binDir: string, major: string): string[] {
  return [
    join(binDir, '../../../../share/postgresql', major), // Debian: /usr/lib/postgresql/<major>/bin
    join(binDir, '../share'), // source builds into */pgsql, PGDG RPMs: /usr/pgsql-<major>/bin
    join(binDir, '../share/postgresql'), // source builds into /usr/local, Fedora, Arch: /usr/bin
    join(binDir, `../share/postgresql@${major}`), // Homebrew
  ]
}

/** Where common layouts put the lib dir (pkglibdir), relative to the bin dir likewise. */
function libDirCandidates(binDir: string, major: string): string[] {
  return [
    join(binDir, '../lib'), // Debian, source builds into */pgsql, PGDG RPMs
    join(binDir, '../lib/postgresql'), // source builds into /usr/local, Arch
    join(binDir, '../lib64/pgsql'), // Fedora
    join(binDir, `../lib/postgresql@${major}`), // Homebrew
  ]
}

/** The real path of the first of `dirs` that holds `marker`. */
function firstDirWith(marker: string, dirs: readonly string[]): string {
  const dir = dirs.find((candidate) => existsSync(join(candidate, marker)))
  if (dir === undefined) throw new Error(`no ${marker} in any of ${dirs.join(', ')}`)
  return realpathSync(dir)
}

/** The temp copy of the installation's binaries, prepared once per process. */
let treeBinDir: Promise<string> | undefined

function binDirWithoutPgvector(install: Installation): Promise<string> {
  return (treeBinDir ??= prepareTree(install))
}

/**
 * PostgreSQL 15 has no setting for where extensions are: it looks in <sharedir>/extension, and it
 * computes sharedir and pkglibdir relative to its executable's real path. Copies of the binaries
 * at the installation's paths below a temp root therefore use that root's share and lib dirs,
 * which link to every file of the real ones except pgvector's. When pgvector is not installed the
 * filter drops nothing and the tree is the installation as it is.
 */
async function prepareTree(install: Installation): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'vecs-native-pg-install-'))
  trackDir(root)
  const binDir = join(root, install.binDir)
  await makeDirs(root, binDir)
  // Copies, not symlinks: the server would resolve a symlink and find the real share dir again.
  for (const name of BINARIES) await copyBinary(join(install.binDir, name), join(binDir, name))
  await linkEntries(root, install.libDir, isPgvectorFile)
  await linkEntries(root, install.shareDir, (name) => name === 'extension')
  await linkEntries(root, join(install.shareDir, 'extension'), isPgvectorFile)
  return binDir
}

/** vector.control, vector--*.sql, vector.so, and vector.index.bc and vector/ (JIT bitcode). */
function isPgvectorFile(name: string): boolean {
  return name === 'vector' || /^vector(\.|--)/.test(name)
}

/** `mkdir -p` of `dir` below `root`, every level open to all: the binaries may run as postgres. */
async function makeDirs(root: string, dir: string): Promise<void> {
  let path = root
  for (const part of ['', ...relative(root, dir).split(sep)]) {
    path = join(path, part)
    // Each level on its own: recursive mkdir would leave the levels between at the umask's mode.
    await mkdir(path, { recursive: true })
    await chmod(path, 0o755)
  }
}

async function copyBinary(from: string, to: string): Promise<void> {
  // A reflink where the file system can, a plain copy where it cannot.
  await copyFile(from, to, constants.COPYFILE_FICLONE)
  await chmod(to, 0o755)
}

/** Makes `dir` below `root`, with a symlink to each entry of the real `dir` but those `skip` names. */
async function linkEntries(
  root: string,
  dir: string,
  skip: (name: string) => boolean,
): Promise<void> {
  const copy = join(root, dir)
  await makeDirs(root, copy)
  for (const name of await readdir(dir)) {
    if (!skip(name)) await symlink(join(dir, name), join(copy, name))
  }
}

interface Cluster {
  readonly binDir: string
  readonly root: string
  readonly dataDir: string
  readonly logFile: string
  /** The OS user to run the binaries as, or null to run them as ourselves. */
  readonly runAs: string | null
}

interface Server {
  readonly child: ChildProcess
  readonly port: number
}

async function createCluster(binDir: string): Promise<Cluster> {
  const root = await mkdtemp(join(tmpdir(), 'vecs-native-pg-'))
  trackDir(root)
  // initdb and postgres refuse to run as root, so as root they run as the package's OS user.
  const runAs = process.getuid?.() === 0 ? OS_USER : null
  return { binDir, root, dataDir: join(root, 'data'), logFile: join(root, 'server.log'), runAs }
}

function initdbArgs(cluster: Cluster): string[] {
  return [
    ...['-D', cluster.dataDir, '--username', OS_USER, '--auth=trust'],
    ...['--encoding=UTF8', '--locale=C', '--no-sync', '--no-instructions'],
  ]
}

async function startServer(cluster: Cluster, samePort?: number): Promise<Server> {
  for (let attempt = 1; ; attempt++) {
    const port = samePort ?? (await findFreePort())
    const child = await spawnServer(cluster, port)
    const outcome = await waitUntilReady(cluster, port, child)
    if (outcome === 'ready') return { child, port }
    if (outcome === 'timeout') {
      child.kill('SIGQUIT')
      await exited(child)
      throw await startupError(cluster, `did not accept connections within ${START_TIMEOUT_MS} ms`)
    }
    // Another process may have bound the port between findFreePort() and postgres binding it.
    const portTaken = (await readLog(cluster)).includes('Address already in use')
    if (!portTaken || attempt === PORT_ATTEMPTS) {
      throw await startupError(cluster, `exited during startup (${exitStatus(child)})`)
    }
  }
}

async function spawnServer(cluster: Cluster, port: number): Promise<ChildProcess> {
  const args = [
    ...['-D', cluster.dataDir, '-p', String(port), '-k', cluster.root],
    // fsync off: the OS keeps what a killed server wrote. synchronous_commit stays on, so a commit
    // the client saw survives kill() as it would a crash.
    ...['-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off'],
    ...['-c', 'full_page_writes=off', '-c', 'shared_buffers=16MB', '-c', 'max_connections=50'],
  ]
  const log = await open(cluster.logFile, 'w')
  try {
    const [file, argv] = command(cluster, 'postgres', args)
    const child = spawn(file, argv, { cwd: cluster.root, stdio: ['ignore', log.fd, log.fd] })
    trackServer(child)
    // The server must not keep the test process alive; the exit hook stops it if stop() is skipped.
    child.unref()
    return child
  } finally {
    await log.close()
  }
}

async function waitUntilReady(
  cluster: Cluster,
  port: number,
  child: ChildProcess,
): Promise<'ready' | 'exited' | 'timeout'> {
  const deadline = Date.now() + START_TIMEOUT_MS
  while (Date.now() < deadline) {
    const ready = await isReady(cluster, port)
    if (!isRunning(child)) return 'exited'
    if (ready) return 'ready'
    await delay(POLL_INTERVAL_MS)
  }
  return 'timeout'
}

async function isReady(cluster: Cluster, port: number): Promise<boolean> {
  const args = ['-h', '127.0.0.1', '-p', String(port), '-U', OS_USER, '-d', 'postgres', '-t', '1']
  try {
    await execFileAsync(join(cluster.binDir, 'pg_isready'), args)
    return true
  } catch {
    return false
  }
}

async function stopCluster(cluster: Cluster, child: ChildProcess): Promise<void> {
  await killServer(cluster, child)
  await removeDir(cluster.root)
}

async function killServer(cluster: Cluster, child: ChildProcess): Promise<void> {
  if (!isRunning(child)) return
  // Referenced again while we wait: an unref'd child's 'exit' alone would not keep the loop alive.
  child.ref()
  await run(cluster, 'pg_ctl', ['stop', '-D', cluster.dataDir, '-m', 'immediate', '-w'])
  await exited(child)
}

function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port found'))))
    })
  })
}

const execFileAsync = promisify(execFile)

async function run(cluster: Cluster, binary: string, args: readonly string[]): Promise<void> {
  const [file, argv] = command(cluster, binary, args)
  try {
    await execFileAsync(file, argv, { cwd: cluster.root, timeout: 60_000 })
  } catch (error) {
    const stderr = hasStderr(error) ? error.stderr.trim() : ''
    throw new Error(`${binary} failed: ${stderr || String(error)}`, { cause: error })
  }
}

/** The file and argv that run `binary`, through setpriv when it must run as another user. */
function command(cluster: Cluster, binary: string, args: readonly string[]): [string, string[]] {
  const path = join(cluster.binDir, binary)
  if (cluster.runAs === null) return [path, [...args]]
  // setpriv execs in place (runuser forks), so a spawned server's pid is the postmaster itself.
  const user = cluster.runAs
  return ['setpriv', [`--reuid=${user}`, `--regid=${user}`, '--init-groups', '--', path, ...args]]
}

async function chownToUser(dir: string, user: string): Promise<void> {
  let entry: string
  try {
    entry = (await execFileAsync('getent', ['passwd', user])).stdout
  } catch (error) {
    const reason = `running as root needs the '${user}' OS user to run PostgreSQL, and it is missing`
    throw new Error(reason, { cause: error })
  }
  const [, , uid, gid] = entry.trim().split(':')
  await chown(dir, Number(uid), Number(gid))
}

async function startupError(cluster: Cluster, what: string): Promise<Error> {
  const tail = (await readLog(cluster)).trimEnd().split('\n').slice(-LOG_TAIL_LINES).join('\n')
  return new Error(`PostgreSQL ${what}. Server log tail:\n${tail}`)
}

async function readLog(cluster: Cluster): Promise<string> {
  return readFile(cluster.logFile, 'utf8').catch(() => '')
}

function hasStderr(error: unknown): error is { stderr: string } {
  return (
    typeof error === 'object' && error !== null && typeof Reflect.get(error, 'stderr') === 'string'
  )
}

function isRunning(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null
}

function exitStatus(child: ChildProcess): string {
  return child.signalCode !== null ? `signal ${child.signalCode}` : `exit code ${child.exitCode}`
}

function exited(child: ChildProcess): Promise<void> {
  if (!isRunning(child)) return Promise.resolve()
  return new Promise((resolve) => child.once('exit', () => resolve()))
}

async function removeDir(dir: string): Promise<void> {
  await rm(dir, RM_OPTIONS)
  leftovers.dirs.delete(dir)
}

/** Servers and dirs the 'exit' hook cleans up when the process ends without stop(). */
const leftovers = { servers: new Set<ChildProcess>(), dirs: new Set<string>(), hooked: false }

function trackServer(child: ChildProcess): void {
  leftovers.servers.add(child)
  child.once('exit', () => leftovers.servers.delete(child))
}

function trackDir(dir: string): void {
  leftovers.dirs.add(dir)
  if (leftovers.hooked) return
  leftovers.hooked = true
  process.once('exit', cleanUpLeftovers)
}

function cleanUpLeftovers(): void {
  // SIGQUIT is PostgreSQL's immediate shutdown: the postmaster ends its children, then itself.
  for (const child of leftovers.servers) child.kill('SIGQUIT')
  for (const dir of leftovers.dirs) {
    try {
      rmSync(dir, RM_OPTIONS)
    } catch {
      // The process is exiting; a dir we cannot remove must not turn into a crash.
    }
  }
}
