import {
  closeSync,
  mkdirSync,
  openSync,
  readFileSync,
  realpathSync,
  rmdirSync,
  statSync,
  unlinkSync,
  writeSync,
} from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { DatabaseLocked } from '../errors.js'
import { typedDriverError } from './driver-errors.js'

/**
 * An exclusive lock on an embedded database directory: `vecs.lock` inside it, holding the owner's
 * pid and host. PGlite itself happily opens one directory twice, which corrupts it; this lock turns
 * that into a clear error. A lock left by a process that no longer runs is taken over, by one
 * process only: the takeover itself is guarded by an atomically created marker directory.
 */
export function lockDirectory(dir: string): () => void {
  mkdirSync(dir, { recursive: true })
  // One directory reached through a symlink is still one lock.
  const file = join(realpathSync(dir), 'vecs.lock')
  if (!tryCreate(file)) takeOver(file, dir)
  held.add(file)
  return () => release(file)
}

interface Owner {
  pid: number
  host: string
}

/** A lock file younger than this that cannot be read yet is one another process is writing. */
const WRITING_GRACE_MS = 10_000

// Shared by every copy of vecs loaded in this process, so one copy's lock is live to the others.
const HELD_KEY = Symbol.for('vecs.heldDirectoryLocks')
const registry = globalThis as { [HELD_KEY]?: Set<string> }
const held = (registry[HELD_KEY] ??= new Set<string>())
// Locks of a process that exits without closing its clients are removed on the way out.
process.once('exit', () => held.forEach(release))

function takeOver(file: string, dir: string): void {
  const marker = `${file}.takeover`
  if (!tryMarker(marker)) throw busy(dir)
  try {
    const owner = readOwner(file)
    if (owner === 'writing') throw busy(dir)
    if (owner !== 'gone' && isAlive(owner, file)) {
      const who =
        owner.pid === process.pid ? 'another client in this process' : `process ${owner.pid}`
      throw new DatabaseLocked(`the database directory ${dir} is already open by ${who}`)
    }
    unlinkQuietly(file)
    if (!tryCreate(file)) throw busy(dir)
  } finally {
    rmdirSync(marker)
  }
}

function busy(dir: string): DatabaseLocked {
  return new DatabaseLocked(`the database directory ${dir} is being opened by another process`)
}

function tryCreate(file: string): boolean {
  let fd: number
  try {
    fd = openSync(file, 'wx')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw typedDriverError(error)
  }
  try {
    writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname() }))
  } catch (error) {
    // An empty lock file would read as one being written by another process: none is left.
    closeSync(fd)
    unlinkSync(file)
    throw typedDriverError(error)
  }
  closeSync(fd)
  return true
}

/** The takeover marker; one left by a process that died mid-takeover is stale after the grace time. */
function tryMarker(marker: string): boolean {
  try {
    mkdirSync(marker)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    if (ageMs(marker) < WRITING_GRACE_MS) return false
    rmdirSync(marker)
    return tryMarker(marker)
  }
}

/** The lock's owner; 'writing' for a fresh file not written yet, 'gone' for a stale unreadable one. */
function readOwner(file: string): Owner | 'writing' | 'gone' {
  try {
    const owner = JSON.parse(readFileSync(file, 'utf8')) as Partial<Owner>
    if (typeof owner.pid === 'number') return { pid: owner.pid, host: String(owner.host) }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone'
  }
  return ageMs(file) < WRITING_GRACE_MS ? 'writing' : 'gone'
}

function isAlive(owner: Owner, file: string): boolean {
  // A lock from another host (a shared volume) cannot be checked: treat it as held.
  if (owner.host !== hostname()) return true
  // Our own pid on a lock we do not hold: left by an earlier life of this pid (a restarted container).
  if (owner.pid === process.pid) return held.has(file)
  try {
    process.kill(owner.pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function ageMs(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs
  } catch {
    return Number.POSITIVE_INFINITY
  }
}

function unlinkQuietly(file: string): void {
  try {
    unlinkSync(file)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
}

function release(file: string): void {
  if (!held.delete(file)) return
  unlinkQuietly(file)
}
