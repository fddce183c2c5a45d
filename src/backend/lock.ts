import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { DatabaseLocked } from '../errors.js'

/**
 * An exclusive lock on an embedded database directory: `vecs.lock` inside it, holding the owner's
 * pid and host. PGlite itself happily opens one directory twice, which corrupts it; this lock turns
 * that into a clear error. A lock left by a process that no longer runs is taken over.
 */
export function lockDirectory(dir: string): () => void {
  mkdirSync(dir, { recursive: true })
  const file = join(dir, 'vecs.lock')
  if (!tryCreate(file)) {
    const owner = readOwner(file)
    if (owner === 'unreadable') {
      throw new DatabaseLocked(
        `${file} exists but cannot be read; if no vecs process uses ${dir}, delete that file`,
      )
    }
    if (isAlive(owner)) {
      const who =
        owner.pid === process.pid ? 'another client in this process' : `process ${owner.pid}`
      throw new DatabaseLocked(`the database directory ${dir} is already open by ${who}`)
    }
    unlinkSync(file)
    if (!tryCreate(file))
      throw new DatabaseLocked(`the database directory ${dir} is being opened by another process`)
  }
  held.add(file)
  return () => release(file)
}

interface Owner {
  pid: number
  host: string
}

const held = new Set<string>()
// Locks of a process that exits without closing its clients are removed on the way out.
process.once('exit', () => held.forEach(release))

function tryCreate(file: string): boolean {
  try {
    const fd = openSync(file, 'wx')
    writeSync(fd, JSON.stringify({ pid: process.pid, host: hostname() }))
    closeSync(fd)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  }
}

/** A lock file that cannot be read yet is one that another process is writing right now. */
function readOwner(file: string): Owner | 'unreadable' {
  try {
    const owner = JSON.parse(readFileSync(file, 'utf8')) as Partial<Owner>
    if (typeof owner.pid === 'number') return { pid: owner.pid, host: String(owner.host) }
  } catch {
    // fall through
  }
  return 'unreadable'
}

function isAlive(owner: Owner): boolean {
  // A lock from another host (a shared volume) cannot be checked: treat it as held.
  if (owner.host !== hostname()) return true
  try {
    process.kill(owner.pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function release(file: string): void {
  if (!held.delete(file)) return
  try {
    unlinkSync(file)
  } catch {
    // Already gone (the directory was removed): nothing to release.
  }
}
