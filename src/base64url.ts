/**
 * Text as base64url (RFC 4648 §5) of its UTF-8 bytes, unpadded, and back: for tokens handed to
 * the user, such as page cursors.
 */
export function textToBase64url(text: string): string {
  let out = ''
  let value = 0
  let bits = 0
  for (const byte of new TextEncoder().encode(text)) {
    value = ((value << 8) | byte) & 0xfff
    bits += 8
    while (bits >= 6) {
      bits -= 6
      out += ALPHABET.charAt((value >>> bits) & 63)
    }
  }
  return bits > 0 ? out + ALPHABET.charAt((value << (6 - bits)) & 63) : out
}

/**
 * Reads what `textToBase64url` writes. Lenient, so a damaged token reads as some text rather than
 * failing: either base64 alphabet, other characters skipped, `=` ends the data, spare bits dropped,
 * and bytes that are not UTF-8 read as U+FFFD.
 */
export function textFromBase64url(base64url: string): string {
  const bytes: number[] = []
  let value = 0
  let bits = 0
  for (const char of base64url) {
    if (char === '=') break
    const digit = DIGITS.get(char)
    if (digit === undefined) continue
    value = ((value << 6) | digit) & 0xfff
    bits += 6
    if (bits >= 8) {
      bits -= 8
      bytes.push((value >>> bits) & 0xff)
    }
  }
  return new TextDecoder().decode(new Uint8Array(bytes))
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

/** Each character's value, in base64url's alphabet and in base64's (`+` and `/`). */
const DIGITS = new Map([...ALPHABET].map((char, i): [string, number] => [char, i]))
DIGITS.set('+', 62).set('/', 63)
