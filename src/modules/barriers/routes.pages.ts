import type { FastifyPluginAsync } from 'fastify'
import { WIKI_KINDS } from './barriers.tables.ts'
import { entryPages } from './routes/entries.pages.ts'
import { historyPages } from './routes/history.pages.ts'
import { participationPages } from './routes/participation.pages.ts'

/** The wiki's HTML routes, the same for barriers (/barriers) and solutions (/solutions): one plugin per section. */
export const barriersPages: FastifyPluginAsync = async (app) => {
  for (const kind of WIKI_KINDS) {
    await app.register(entryPages(kind))
    await app.register(historyPages(kind))
    await app.register(participationPages(kind))
  }
}
