/** vecs' Node warnings as one line each on stderr, except codes a command expects. */
export interface WarningPrinter {
  ignore(code: string): void
}

/**
 * Replaces Node's warning printer for the rest of the process. Not undone when a command ends:
 * Node emits warnings on a later tick, which may come after the command's last await.
 */
export function printWarnings(stderr: NodeJS.WritableStream): WarningPrinter {
  const ignored = new Set<string>()
  process.removeAllListeners('warning')
  process.on('warning', (warning: Error & { code?: string }) => {
    if (warning.code !== undefined && ignored.has(warning.code)) return
    stderr.write(`vecs: warning: ${warning.message}${warning.code ? ` (${warning.code})` : ''}\n`)
  })
  return { ignore: (code) => void ignored.add(code) }
}
