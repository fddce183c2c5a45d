import { open } from 'node:fs/promises'
import { ArgError } from '../../index.js'
import type { BinaryLayout } from './binary.js'

const MAGIC = Buffer.from([0x93, ...Buffer.from('NUMPY')])

/**
 * Reads an .npy header: a 2-d array of little-endian float32 or float64 in C order, as
 * `numpy.save` writes `embeddings.astype('float32')`.
 */
export async function readNpyLayout(path: string): Promise<BinaryLayout> {
  const file = await open(path)
  try {
    const { buffer, bytesRead } = await file.read(Buffer.alloc(65_536), 0, 65_536, 0)
    return parseNpyHeader(buffer.subarray(0, bytesRead))
  } finally {
    await file.close()
  }
}

export function parseNpyHeader(bytes: Buffer): BinaryLayout {
  if (bytes.length < 10 || !bytes.subarray(0, 6).equals(MAGIC))
    throw new ArgError('not an .npy file')
  const major = bytes[6] as number
  const [lengthBytes, start] = major === 1 ? [2, 10] : [4, 12]
  const length = lengthBytes === 2 ? bytes.readUInt16LE(8) : bytes.readUInt32LE(8)
  const header = bytes.subarray(start, start + length).toString('latin1')
  const descr = /'descr':\s*'([^']*)'/.exec(header)?.[1]
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1]
  const shape = /'shape':\s*\(\s*(\d+)\s*,\s*(\d+)\s*,?\s*\)/.exec(header)
  if (descr !== '<f4' && descr !== '<f8')
    throw new ArgError(
      `.npy dtype ${descr ?? '?'} is not supported: save float32 ('<f4') or float64`,
    )
  if (fortran !== 'False')
    throw new ArgError('.npy in Fortran order is not supported: save it in C order')
  if (!shape) throw new ArgError('.npy must hold a 2-d array (rows × dimensions)')
  return {
    offset: start + length,
    rows: Number(shape[1]),
    dimension: Number(shape[2]),
    bytesPerValue: descr === '<f4' ? 4 : 8,
  }
}
