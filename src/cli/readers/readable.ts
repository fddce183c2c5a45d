import { constants } from 'node:fs'
import { access, stat } from 'node:fs/promises'
import { ArgError } from '../../index.js'

/**
 * The size of the file at `path`, which must be a regular file this process may read; else an
 * ArgError that says why in words (not `EACCES: permission denied, open`, or `EISDIR`
 * from the middle of an import). `what` names the file in the message: "the input", "--ids".
 */
export async function readableFile(path: string, what: string): Promise<number> {
  const found = await stat(path).catch((error: NodeJS.ErrnoException) => {
    throw new ArgError(`cannot read ${what} ${path}: ${reasonOf(error)}`, { cause: error })
  })
  if (found.isDirectory()) throw new ArgError(`cannot read ${what} ${path}: it is a directory`)
  if (!found.isFile()) throw new ArgError(`cannot read ${what} ${path}: it is not a regular file`)
  await access(path, constants.R_OK).catch((error: NodeJS.ErrnoException) => {
    throw new ArgError(`cannot read ${what} ${path}: ${reasonOf(error)}`, { cause: error })
  })
  return found.size
}

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'a part of the path is not a directory',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the name is too long',
}

function reasonOf(error: NodeJS.ErrnoException): string {
  return REASONS[error.code ?? ''] ?? error.message
}
