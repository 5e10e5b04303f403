import type { FastifyPluginAsync } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { problemSchema } from '../../core/http/api-writes.ts'
import { pageSize } from '../../core/http/pagination.ts'
import { cursor, limit, params, query, slug } from '../../core/http/schemas.ts'
import { digestEntries, listDigests, viewableDigest, type DigestRow } from './digests.ts'

const digestJson = {
  type: 'object',
  properties: { slug: { type: 'string' }, title: { type: 'string' }, introHtml: { type: 'string' }, publishedAt: { type: 'string', format: 'date-time' }, url: { type: 'string', format: 'uri' } },
} as const
const entryJson = { type: 'object', properties: { kind: { type: 'string', description: 'reading or post' }, title: { type: 'string' }, summary: { type: 'string' }, url: { type: 'string', format: 'uri' }, page: { type: 'string', format: 'uri' } } } as const

/** The editors' digests archive: published digests, as the pages show them (a digest's picks filtered per caller). */
export const digestsApi: FastifyPluginAsync = async (plain) => {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>()
  const base = app.config.baseUrl
  const json = (d: DigestRow) => ({ slug: d.slug, title: d.title, introHtml: d.intro_html, publishedAt: d.published_at ?? '', url: `${base}/digests/${d.slug}` })

  app.get('/digests', {
    config: { serves: 'api' },
    schema: {
      tags: ['digests'],
      summary: 'Published digests the caller may see, newest first',
      querystring: query({ limit, cursor }),
      response: { 200: { type: 'object', properties: { items: { type: 'array', items: digestJson }, next: { type: ['string', 'null'] } } }, 400: problemSchema },
    },
  }, async (request) => {
    const page = await listDigests(app.db, request.actor, { cursor: request.query.cursor, limit: pageSize(request.query.limit, 20, 100) })
    return { items: page.items.map(json), next: page.next }
  })

  app.get('/digests/:slug', {
    config: { serves: 'api', shows: 'digest' },
    schema: {
      tags: ['digests'],
      summary: 'One published digest with the picks the caller may see (a draft is its editor’s alone)',
      params: params({ slug }),
      response: { 200: { type: 'object', properties: { ...digestJson.properties, entries: { type: 'array', items: entryJson } } }, 404: problemSchema },
    },
  }, async (request) => {
    const digest = await viewableDigest(app.db, request.actor, request.params.slug)
    return { ...json(digest), entries: await digestEntries(app.db, request.actor, digest, base) }
  })
}
