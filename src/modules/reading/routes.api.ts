import type { FastifyPluginAsync } from 'fastify'
import { pageSize } from '../../core/http/pagination.ts'
import { listReading, readingCards, readingTags, viewableItem, type ReadingCard } from './reading.ts'

const problem = { type: 'object', properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' } } }
const itemSchema = {
  type: 'object',
  properties: {
    slug: { type: 'string' },
    page: { type: 'string', description: 'Its page on Openly' },
    url: { type: 'string', description: 'The link itself' },
    title: { type: 'string' },
    summary: { type: 'string', description: 'Plain text, in the words of the member who added it' },
    tags: { type: 'array', items: { type: 'string' } },
    addedBy: { type: ['object', 'null'], properties: { handle: { type: 'string' }, name: { type: 'string' }, url: { type: ['string', 'null'] } } },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
}

const itemJson = (base: string, i: ReadingCard) => ({
  slug: i.slug,
  page: `${base}${i.path}`,
  url: i.url,
  title: i.title,
  summary: i.summary,
  tags: i.tags,
  addedBy: i.addedBy ? { handle: i.addedBy.handle, name: i.addedBy.name, url: i.addedBy.public ? `${base}/people/${i.addedBy.handle}` : null } : null,
  createdAt: i.createdAt,
  updatedAt: i.updatedAt,
})

/** The reading list, read-only. */
export const readingApi: FastifyPluginAsync = async (app) => {
  const base = app.config.baseUrl
  app.get<{ Querystring: { tag?: string; limit?: number; cursor?: string } }>(
    '/reading',
    {
      config: { serves: 'api' },
      schema: {
        tags: ['reading'],
        summary: 'The reading list, newest first, perhaps of one tag',
        querystring: { type: 'object', additionalProperties: false, properties: { tag: { type: 'string', maxLength: 100 }, limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 }, cursor: { type: 'string', maxLength: 200 } } },
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: itemSchema }, next: { type: ['string', 'null'] } } }, 400: problem },
      },
    },
    async (request) => {
      const tag = request.query.tag ? readingTags([request.query.tag])[0] : undefined
      const page = await listReading(app.db, request.actor, { tag, cursor: request.query.cursor, limit: pageSize(request.query.limit) })
      return { items: page.items.map((i) => itemJson(base, i)), next: page.next }
    },
  )
  app.get<{ Params: { slug: string } }>(
    '/reading/:slug',
    {
      config: { serves: 'api', shows: 'reading_item' },
      schema: { tags: ['reading'], summary: 'One reading-list item', params: { type: 'object', properties: { slug: { type: 'string', maxLength: 100 } }, required: ['slug'] }, response: { 200: itemSchema, 404: problem } },
    },
    async (request) => {
      const { item } = await viewableItem(app.db, request.actor, request.params.slug)
      return itemJson(base, (await readingCards(app.db, [item]))[0]!)
    },
  )
}
