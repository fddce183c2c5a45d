/**
 * PGlite served over the Postgres wire protocol on loopback, for tests of the real network driver
 * path. It uses pglite-socket's connection handler (framing, SSL refusal, startup) with a query
 * queue of its own: pglite-socket 0.2's queue hands the one PGlite session to whichever connection
 * sent the next message, so a Parse/Bind/Execute/Sync batch from one pooled connection can be
 * split by another's and bind to the wrong statement (electric-sql/pglite issue 1046). Here a
 * connection keeps the session from its first message until PGlite reports ReadyForQuery idle —
 * the end of a batch outside a transaction, or the end of the transaction.
 */
import { createServer, type AddressInfo, type Socket } from 'node:net'
import type { PGlite } from '@electric-sql/pglite'
import { PGLiteSocketHandler, type PGLiteSocketHandlerOptions } from '@electric-sql/pglite-socket'

export interface PGliteServer {
  readonly url: string
  stop(): Promise<void>
}

export async function servePGliteOnLoopback(db: PGlite): Promise<PGliteServer> {
  const queue = new SessionQueue(db)
  const handlers = new Set<PGLiteSocketHandler>()
  const server = createServer((socket: Socket) => {
    // The handler only calls enqueue / clearQueueForHandler / clearTransactionIfNeeded / getQueueLength.
    const options = {
      queryQueue: queue,
      closeOnDetach: true,
    } as unknown as PGLiteSocketHandlerOptions
    const handler = new PGLiteSocketHandler(options)
    handlers.add(handler)
    handler.addEventListener('close', () => handlers.delete(handler))
    void handler.attach(socket)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `postgresql://postgres:postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      await Promise.all([...handlers].map((h) => h.detach(true)))
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

interface Pending {
  handlerId: number
  message: Uint8Array
  onData: (data: Uint8Array) => void
  resolve: (bytes: number) => void
  reject: (error: unknown) => void
}

/** One PGlite session shared by many connections, each owning it for a whole batch or transaction. */
class SessionQueue {
  readonly #db: PGlite
  #pending: Pending[] = []
  #owner: number | null = null
  #running = false

  constructor(db: PGlite) {
    this.#db = db
  }

  enqueue(
    handlerId: number,
    message: Uint8Array,
    onData: (data: Uint8Array) => void,
  ): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ handlerId, message, onData, resolve, reject })
      void this.#pump()
    })
  }

  getQueueLength(): number {
    return this.#pending.length
  }

  clearQueueForHandler(handlerId: number): void {
    const [gone, kept] = partition(this.#pending, (p) => p.handlerId === handlerId)
    this.#pending = kept
    for (const p of gone) p.reject(new Error('connection closed'))
  }

  async clearTransactionIfNeeded(handlerId: number): Promise<void> {
    if (this.#owner !== handlerId) return
    if (this.#db.isInTransaction()) await this.#db.exec('ROLLBACK')
    this.#owner = null
    void this.#pump()
  }

  async #pump(): Promise<void> {
    if (this.#running) return
    this.#running = true
    try {
      for (let next = this.#take(); next; next = this.#take()) await this.#run(next)
    } finally {
      this.#running = false
    }
  }

  /** The owner's next message, or anyone's when the session is free; none while the owner is silent. */
  #take(): Pending | undefined {
    const index =
      this.#owner === null ? 0 : this.#pending.findIndex((p) => p.handlerId === this.#owner)
    return index === -1 ? undefined : this.#pending.splice(index, 1)[0]
  }

  async #run(item: Pending): Promise<void> {
    this.#owner = item.handlerId
    let bytes = 0
    let idle = false
    try {
      await this.#db.runExclusive(() =>
        this.#db.execProtocolRawStream(item.message, {
          onRawData: (data) => {
            bytes += data.length
            idle = endsReadyIdle(data)
            item.onData(data)
          },
        }),
      )
      item.resolve(bytes)
    } catch (error) {
      item.reject(error)
    }
    if (idle) this.#owner = null
  }
}

/** Whether a response ends with ReadyForQuery ('Z', length 5) reporting an idle session ('I'). */
function endsReadyIdle(data: Uint8Array): boolean {
  const tail = Array.from(data.subarray(-6))
  return tail.join() === [0x5a, 0, 0, 0, 5, 0x49].join()
}

function partition<T>(items: T[], test: (item: T) => boolean): [T[], T[]] {
  return [items.filter(test), items.filter((item) => !test(item))]
}
