import { CollectionAlreadyExists, VECTOR_TYPES, type VectorType } from '../../index.js'
import { defineCommand, integer } from '../command.js'
import { findCollection, printJson, say, withClient } from '../context.js'

export const create = defineCommand<{ dim: number; type: VectorType }>({
  name: 'create',
  summary: 'create an empty collection',
  args: [{ name: 'name', description: 'collection name (1 to 63 bytes)' }],
  options: [
    { flags: '--dim <n>', description: 'vector dimension', parse: integer, required: true },
    {
      flags: '--type <type>',
      description: 'vector: float32; halfvec: float16, half the storage',
      choices: VECTOR_TYPES,
      default: 'vector',
    },
  ],
  examples: ['vecs create docs --dim 384', 'vecs create big --dim 3072 --type halfvec'],
  async run(ctx, [name], { dim, type }) {
    const c = await withClient(ctx, async (vx) => {
      if (await findCollection(vx, name as string))
        throw new CollectionAlreadyExists(`collection "${name}" already exists`)
      return vx.getOrCreateCollection(name as string, { dimension: dim, type })
    })
    printJson(ctx, { name: c.name, dimension: c.dimension, type: c.type })
    say(ctx, `created ${c.name}: ${c.dimension} dimensions, ${c.type}`)
  },
})
