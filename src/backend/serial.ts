/** Runs async work one call at a time, in the order called. */
export type Exclusive = <T>(fn: () => Promise<T>) => Promise<T>

/** A queue of one: each call starts when the one before it has settled, whichever way. */
export function serializer(): Exclusive {
  let tail: Promise<unknown> = Promise.resolve()
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn, fn)
    tail = run.catch(() => {})
    return run
  }
}
