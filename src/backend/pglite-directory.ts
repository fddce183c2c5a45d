import { statfs } from 'node:fs/promises'
import { StorageFull } from '../errors.js'
import { lockDirectory } from './lock.js'
import type { EmbeddedPlace } from './pglite.js'

/**
 * PGlite in a directory (Node only): locked for this process while it is open, so that a second
 * process gets DatabaseLocked rather than a damaged database, and a failed open on a full disk
 * said as one.
 */
export function directoryPlace(dir: string): EmbeddedPlace {
  const release = lockDirectory(dir)
  return {
    dataDir: dir,
    where: `in ${dir}`,
    release,
    explain: (error) => openFailure(error, dir),
  }
}

/**
 * Why `PGlite.create` failed on a directory, when the reason is a full disk: PostgreSQL cannot
 * start without room for its end-of-recovery checkpoint and a new WAL segment, and PGlite reports
 * only that it "failed to initialize". Any other failure comes back as it was.
 */
async function openFailure(error: unknown, dir: string): Promise<unknown> {
  const free = await statfs(dir).then(
    (s) => s.bavail * s.bsize,
    () => Number.POSITIVE_INFINITY,
  )
  if (free >= START_ROOM_BYTES) return error
  return new StorageFull(
    `the embedded database in ${dir} could not start: its disk has ${Math.floor(free / MB)} MB ` +
      `free, and PostgreSQL needs about ${START_ROOM_BYTES / MB} MB to start; free space, then open it again`,
    { cause: error },
  )
}

const MB = 1024 * 1024
/** One WAL segment (16 MB) and room for the checkpoint that ends recovery. */
const START_ROOM_BYTES = 24 * MB
