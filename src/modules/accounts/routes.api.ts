import type { FastifyPluginAsync } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { cursor, limit, params, query, slug } from '../../core/http/schemas.ts'
import { notFound } from '../../core/errors.ts'
import { decodeCursor, pageSize, paginate } from '../../core/http/pagination.ts'
import { listListedPeople, type Person } from './accounts.queries.ts'
import { findVisiblePerson } from './accounts.ts'

const personSchema = {
  type: 'object',
  required: ['handle', 'name', 'role', 'bio', 'skills', 'interests', 'url', 'joined'],
  properties: {
    handle: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string' },
    bio: { type: 'string' },
    skills: { type: 'array', items: { type: 'string' } },
    interests: { type: 'array', items: { type: 'string' } },
    url: { type: 'string', format: 'uri' },
    joined: { type: 'string', format: 'date-time' },
  },
} as const

/** Public profile fields only: never e-mail addresses. */
const toJson = (baseUrl: string, p: Person) => ({ handle: p.handle, name: p.name, role: p.role, bio: p.bio, skills: p.skills, interests: p.interests, url: `${baseUrl}/people/${p.handle}`, joined: p.createdAt })

/** Read-only JSON for people's public profiles. */
export const accountsApi: FastifyPluginAsync = async (plain) => {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>()
  app.get(
    '/people',
    {
      config: { serves: 'api' },
      schema: {
        tags: ['people'],
        summary: 'People who chose to be listed, in name order',
        querystring: query({ cursor, limit }),
        response: { 200: { type: 'object', required: ['items', 'next'], properties: { items: { type: 'array', items: personSchema }, next: { type: ['string', 'null'] } } } },
      },
    },
    async (request) => {
      const q = request.query
      const limit = pageSize(q.limit)
      const page = paginate(await listListedPeople(app.db, decodeCursor(q.cursor), limit), limit, (p) => ({ at: p.name, id: p.id }))
      return { items: page.items.map((p) => toJson(app.config.baseUrl, p)), next: page.next }
    },
  )

  app.get(
    '/people/:handle',
    {
      config: { serves: 'api', shows: 'person' },
      schema: {
        tags: ['people'],
        summary: 'One person’s public profile',
        params: params({ handle: slug }),
        response: { 200: personSchema },
      },
    },
    async (request) => {
      const person = await findVisiblePerson(app.db, request.actor, request.params.handle)
      if (!person) throw notFound('Person')
      return toJson(app.config.baseUrl, person)
    },
  )
}
