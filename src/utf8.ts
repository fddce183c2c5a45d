/**
 * The length of `text` in UTF-8 bytes, counted without encoding it: 1 to 3 bytes per UTF-16 unit,
 * 4 per surrogate pair. A lone surrogate counts 3, the size of the U+FFFD an encoder writes for it.
 */
export function utf8Length(text: string): number {
  let bytes = text.length
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    if (unit < 0x80) continue
    if (unit < 0x800) {
      bytes += 1
    } else if (isSurrogatePair(unit, text.charCodeAt(i + 1))) {
      bytes += 2
      i++
    } else {
      bytes += 2
    }
  }
  return bytes
}

function isSurrogatePair(high: number, low: number): boolean {
  return high >= 0xd800 && high < 0xdc00 && low >= 0xdc00 && low < 0xe000
}
