/**
 * SHA-256 (FIPS 180-4) of some bytes. Synchronous, for the few keys derived from names where
 * `crypto.subtle.digest` (always async) does not fit; built for short inputs, not for speed.
 */
export function sha256(data: Uint8Array): Uint8Array {
  const message = padded(data)
  const state = new DataView(new ArrayBuffer(32))
  INITIAL.forEach((word, i) => state.setUint32(4 * i, word))
  const schedule = new DataView(new ArrayBuffer(256))
  for (let block = 0; block < message.byteLength; block += 64) {
    for (let t = 0; t < 16; t++) schedule.setUint32(4 * t, message.getUint32(block + 4 * t))
    for (let t = 16; t < 64; t++) schedule.setUint32(4 * t, expand(schedule, t))
    compress(state, schedule)
  }
  return new Uint8Array(state.buffer)
}

const PRIMES = firstPrimes(64)
/** The first 32 bits of the fractional parts of the square roots of the first 8 primes. */
const INITIAL = PRIMES.slice(0, 8).map((p) => fraction32(Math.sqrt(p)))
/**
 * The first 32 bits of the fractional parts of the cube roots of the first 64 primes. `Math.cbrt`
 * may be an ulp off on some engines; each value here is thousands of ulps from changing its bits.
 */
const ROUND = PRIMES.map((p) => fraction32(Math.cbrt(p)))

/** The data, a 1 bit, zeros, then its length in bits as 64 bits: whole 64-byte blocks. */
function padded(data: Uint8Array): DataView {
  const bytes = new Uint8Array(Math.ceil((data.length + 9) / 64) * 64)
  bytes.set(data)
  bytes[data.length] = 0x80
  const view = new DataView(bytes.buffer)
  view.setUint32(bytes.length - 8, Math.floor(data.length / 2 ** 29))
  view.setUint32(bytes.length - 4, (data.length * 8) % 2 ** 32)
  return view
}

/** Word `t` of the message schedule, from the words before it (the setter wraps it to 32 bits). */
function expand(w: DataView, t: number): number {
  const a = w.getUint32(4 * (t - 15))
  const b = w.getUint32(4 * (t - 2))
  const s0 = rotr(a, 7) ^ rotr(a, 18) ^ (a >>> 3)
  const s1 = rotr(b, 17) ^ rotr(b, 19) ^ (b >>> 10)
  return w.getUint32(4 * (t - 16)) + s0 + w.getUint32(4 * (t - 7)) + s1
}

/** 64 rounds over one block's schedule, added into the state. Sums wrap to 32 bits with `| 0`. */
function compress(state: DataView, w: DataView): void {
  let v = words(state)
  for (const [t, k] of ROUND.entries()) {
    const [a, b, c, d, e, f, g, h] = v
    const choose = (e & f) ^ (~e & g)
    const t1 = (h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + choose + k + w.getUint32(4 * t)) | 0
    const majority = (a & b) ^ (a & c) ^ (b & c)
    const t2 = ((rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + majority) | 0
    v = [(t1 + t2) | 0, a, b, c, (d + t1) | 0, e, f, g]
  }
  v.forEach((x, i) => state.setUint32(4 * i, state.getUint32(4 * i) + x))
}

type Words = [number, number, number, number, number, number, number, number]

function words(state: DataView): Words {
  const at = (i: number) => state.getUint32(4 * i)
  return [at(0), at(1), at(2), at(3), at(4), at(5), at(6), at(7)]
}

function rotr(x: number, n: number): number {
  return (x >>> n) | (x << (32 - n))
}

function fraction32(x: number): number {
  return Math.floor((x - Math.floor(x)) * 2 ** 32)
}

function firstPrimes(count: number): number[] {
  const primes: number[] = []
  for (let n = 2; primes.length < count; n++) {
    if (primes.every((p) => n % p !== 0)) primes.push(n)
  }
  return primes
}
