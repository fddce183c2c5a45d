/**
 * A server on this machine whose memory a benchmark limits while its queries run, to see how an
 * index behaves once it no longer fits in memory: the server runs in a memory cgroup (v1
 * `memory.limit_in_bytes` or v2 `memory.max`), and the benchmark writes the limit before timing
 * queries and lifts it before loads and builds (a build sized to the limit would only spill). The
 * kernel counts the server's page cache in the cgroup, so a limit evicts the files its queries read.
 *
 * Start the server inside the cgroup first, with small `shared_buffers` so that the limit, not its
 * own cache, decides what stays in memory, e.g. (as root, cgroup v1):
 *
 *   mkdir /sys/fs/cgroup/memory/vecs-bench
 *   sh -c 'echo $$ > /sys/fs/cgroup/memory/vecs-bench/cgroup.procs; exec su postgres -c "pg_ctl ..."'
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export interface ServerMemory {
  /** What the report says of the server's memory while queries run. */
  readonly label: string
  /** Applies the limit (queries next). */
  limit(): void
  /** Lifts it (loads and builds next). */
  lift(): void
}

const UNLIMITED: ServerMemory = { label: 'unlimited', limit() {}, lift() {} }

/** The cgroup directory and the limit (e.g. `192MB`), or neither for a server left as it is. */
export function serverMemory(cgroup: string | undefined, limit: string | undefined): ServerMemory {
  if (cgroup === undefined && limit === undefined) return UNLIMITED
  if (cgroup === undefined || limit === undefined) {
    throw new Error('--server-cgroup and --server-memory go together')
  }
  const v1 = join(cgroup, 'memory.limit_in_bytes')
  const file = existsSync(v1) ? v1 : join(cgroup, 'memory.max')
  if (!existsSync(file)) throw new Error(`${cgroup} is not a memory cgroup`)
  const mb = megabytes(limit)
  const bytes = mb * 2 ** 20
  const write = (value: string) => writeFileSync(file, value)
  return {
    label: `${mb} MB`,
    limit() {
      write(String(bytes))
      // The kernel reclaims down to the limit before the write returns (v1 refuses if it cannot).
      const now = Number(readFileSync(file, 'utf8'))
      if (now !== bytes) throw new Error(`the cgroup kept ${now} bytes, not ${bytes}`)
    },
    lift() {
      write(file === v1 ? '-1' : 'max')
    },
  }
}

function megabytes(limit: string): number {
  const m = /^(\d+)\s*MB$/i.exec(limit.trim())
  if (m === null) throw new Error(`--server-memory takes megabytes, e.g. 192MB: ${limit}`)
  return Number(m[1])
}
