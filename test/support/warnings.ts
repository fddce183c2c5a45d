/** The Node warnings emitted while `fn` runs (delivered on a later tick, so wait one). */
export async function warningsDuring(fn: () => Promise<unknown>): Promise<Error[]> {
  const seen: Error[] = []
  const listener = (w: Error) => seen.push(w)
  process.on('warning', listener)
  try {
    await fn()
    await new Promise((resolve) => setImmediate(resolve))
    return seen
  } finally {
    process.off('warning', listener)
  }
}

/** The warnings with `code` that name the collection `name`. */
export function withCode(warnings: Error[], code: string, name: string): Error[] {
  return warnings.filter(
    (w) => (w as { code?: string }).code === code && w.message.includes(`"${name}"`),
  )
}
