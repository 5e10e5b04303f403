import type { FastifyInstance } from 'fastify'
import { pageSize } from '../../core/http/pagination.ts'
import { loadCommunity } from './communities.ts'
import { listCommunities, memberCounts, type Community } from './communities.queries.ts'

const problem = { type: 'object', properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' } } }
const communitySchema = {
  type: 'object',
  properties: {
    slug: { type: 'string' },
    url: { type: 'string' },
    name: { type: 'string' },
    description: { type: 'string' },
    themes: { type: 'array', items: { type: 'string' } },
    joinPolicy: { type: 'string', enum: ['open', 'request', 'invite'] },
    visibility: { type: 'string', enum: ['public', 'signed_in', 'members'] },
    members: { type: 'integer' },
    lastActivityAt: { type: 'string', format: 'date-time' },
  },
}
const slugParams = { type: 'object', properties: { slug: { type: 'string', maxLength: 100 } }, required: ['slug'] }

/** JSON API for communities: the same access rules as the pages (404 for what the reader may not see). */
export async function communitiesApi(app: FastifyInstance): Promise<void> {
  const base = app.config.baseUrl
  const communityJson = (c: Community, members: number) => ({
    slug: c.slug,
    url: `${base}/communities/${c.slug}`,
    name: c.name,
    description: c.description,
    themes: c.themes,
    joinPolicy: c.joinPolicy,
    visibility: c.visibility,
    members,
    lastActivityAt: c.lastActivityAt,
  })

  app.get<{ Querystring: { limit?: number; cursor?: string } }>(
    '/communities',
    {
      config: { serves: 'api' },
      schema: {
        tags: ['communities'],
        summary: 'Communities the reader may see, most recently active first',
        querystring: { type: 'object', properties: { limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 }, cursor: { type: 'string', maxLength: 200 } } },
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: communitySchema }, next: { type: ['string', 'null'] } } } },
      },
    },
    async (request) => {
      const page = await listCommunities(app.db, request.actor, { cursor: request.query.cursor, limit: pageSize(request.query.limit) })
      const counts = await memberCounts(app.db, page.items.map((c) => c.id))
      return { items: page.items.map((c) => communityJson(c, counts.get(c.id) ?? 0)), next: page.next }
    },
  )

  app.get<{ Params: { slug: string } }>(
    '/communities/:slug',
    {
      config: { serves: 'api', shows: 'community' },
      schema: { tags: ['communities'], summary: 'One community', params: slugParams, response: { 200: communitySchema, 404: problem } },
    },
    async (request) => {
      const { community } = await loadCommunity(app.db, request.actor, request.params.slug)
      const counts = await memberCounts(app.db, [community.id])
      return communityJson(community, counts.get(community.id) ?? 0)
    },
  )
}
