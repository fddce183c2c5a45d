/**
 * Warning codes vecs emits: in Node through `process.emitWarning` (listen with
 * `process.on('warning', …)`), elsewhere, as in a browser, through `console.warn`.
 */
export const WARNING_CODES = [
  'VECS_NO_COVERING_INDEX',
  'VECS_IVFFLAT_LOW_DATA',
  'VECS_REINDEX_ADVISED',
  'VECS_RETUNE_ADVISED',
  'VECS_LOADED_THROUGH_INDEX',
] as const
export type WarningCode = (typeof WARNING_CODES)[number]

const emitted = new Set<string>()

/** Emits a warning once per process (or page) for `key` (a collection and measure, say). */
export function warnOnce(key: string, code: WarningCode, message: string): void {
  const id = `${code}:${key}`
  if (emitted.has(id)) return
  emitted.add(id)
  warn(code, message)
}

/** Emits a warning of type `VecsWarning` with a stable code. */
export function warn(code: WarningCode, message: string): void {
  const node = (globalThis as { process?: { emitWarning?: EmitWarning } }).process
  if (typeof node?.emitWarning === 'function') {
    node.emitWarning(message, { type: 'VecsWarning', code })
  } else {
    console.warn(`[${code}] VecsWarning: ${message}`)
  }
}

/** Node's `process.emitWarning` as called here, typed by hand: Node's types may not be loaded. */
type EmitWarning = (message: string, options: { type: string; code: string }) => void
