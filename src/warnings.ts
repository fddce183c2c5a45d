/** Warning codes vecs emits through `process.emitWarning`; listen with `process.on('warning', …)`. */
export const WARNING_CODES = [
  'VECS_NO_COVERING_INDEX',
  'VECS_IVFFLAT_LOW_DATA',
  'VECS_REINDEX_ADVISED',
  'VECS_RETUNE_ADVISED',
] as const
export type WarningCode = (typeof WARNING_CODES)[number]

const emitted = new Set<string>()

/** Emits a Node warning once per process for `key` (a collection and measure, say). */
export function warnOnce(key: string, code: WarningCode, message: string): void {
  const id = `${code}:${key}`
  if (emitted.has(id)) return
  emitted.add(id)
  warn(code, message)
}

/** Emits a Node warning of type `VecsWarning` with a stable code. */
export function warn(code: WarningCode, message: string): void {
  process.emitWarning(message, { type: 'VecsWarning', code })
}
