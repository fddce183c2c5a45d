/**
 * Resolves after `ms`, or as soon as `signal` aborts (at once if it has), clearing the timer so
 * nothing is left pending. It never rejects: a caller that passes a signal checks it after.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) {
      resolve()
      return
    }
    const done = () => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal?.addEventListener('abort', done, { once: true })
  })
}
