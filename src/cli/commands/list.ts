import { defineCommand } from '../command.js'
import { printJson, say, shownDb, withClient } from '../context.js'
import { formatCount, formatIndex, formatTable } from '../format.js'

export const list = defineCommand({
  name: 'list',
  summary: 'list the collections: dimension, type, rows and vector index',
  async run(ctx) {
    const rows = await withClient(ctx, async (vx) => {
      const collections = await vx.listCollections()
      return Promise.all(
        collections.map(async (c) => ({
          name: c.name,
          dimension: c.dimension,
          type: c.type,
          rows: await c.count(),
          index: await c.getIndex(),
        })),
      )
    })
    printJson(ctx, rows)
    if (rows.length === 0) return say(ctx, `no collections in ${shownDb(ctx)}`)
    say(
      ctx,
      formatTable(
        ['name', 'dimension', 'type', 'rows', 'index'],
        rows.map((r) => [
          r.name,
          String(r.dimension),
          r.type,
          formatCount(r.rows),
          formatIndex(r.index),
        ]),
      ),
    )
  },
})
