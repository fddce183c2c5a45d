import { defineCommand } from '../command.js'
import { printJson, say, withClient } from '../context.js'

export const deleteCommand = defineCommand({
  name: 'delete',
  summary: 'delete a collection and its records (a missing one is not an error)',
  args: [{ name: 'name', description: 'collection name' }],
  async run(ctx, [name]) {
    const existed = await withClient(ctx, async (vx) => {
      const names = (await vx.listCollections()).map((c) => c.name)
      await vx.deleteCollection(name as string)
      return names.includes(name as string)
    })
    printJson(ctx, { name, deleted: existed })
    say(ctx, existed ? `deleted ${name}` : `no collection ${name}: nothing to delete`)
  },
})
