import type { FastifyPluginAsync } from 'fastify'
import { notFound } from '../../core/errors.ts'
import { pageSize } from '../../core/http/pagination.ts'
import { findVisiblePerson } from '../accounts/accounts.ts'
import { visibleProjectBySlug } from '../projects/projects.ts'
import { listActions, type ActionCard } from './actions.ts'

const problem = { type: 'object', properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' } } }
const actionSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    text: { type: 'string' },
    url: { type: ['string', 'null'], description: 'A link to what was done' },
    createdAt: { type: 'string', format: 'date-time' },
    author: { type: ['object', 'null'], properties: { handle: { type: 'string' }, name: { type: 'string' }, url: { type: ['string', 'null'] } } },
    project: { type: ['object', 'null'], properties: { slug: { type: 'string' }, name: { type: 'string' }, url: { type: 'string' } } },
  },
}

const actionJson = (baseUrl: string, a: ActionCard) => ({
  id: a.id,
  text: a.text,
  url: a.url || null,
  createdAt: a.createdAt,
  author: a.author ? { handle: a.author.handle, name: a.author.name, url: a.author.public ? `${baseUrl}/people/${a.author.handle}` : null } : null,
  project: a.project ? { slug: a.project.slug, name: a.project.name, url: `${baseUrl}/projects/${a.project.slug}` } : null,
})

/** Practical actions, read-only: everyone's, a person's or a project's. */
export const actionsApi: FastifyPluginAsync = async (app) => {
  app.get<{ Querystring: { author?: string; project?: string; limit?: number; cursor?: string } }>(
    '/actions',
    {
      config: { serves: 'api', filters: { author: 'person', project: 'project' } },
      schema: {
        tags: ['actions'],
        summary: 'Practical actions the caller may see, newest first; of one person (author) or one project',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { author: { type: 'string', maxLength: 100 }, project: { type: 'string', maxLength: 100 }, limit: { type: 'integer', minimum: 1, maximum: 100, default: 30 }, cursor: { type: 'string', maxLength: 200 } },
        },
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: actionSchema }, next: { type: ['string', 'null'] } } }, 400: problem, 404: problem },
      },
    },
    async (request) => {
      const { author, project, cursor, limit } = request.query
      const person = author ? await findVisiblePerson(app.db, request.actor, author) : null
      if (author && !person) throw notFound('Person')
      const p = project ? await visibleProjectBySlug(app.db, request.actor, project) : null
      if (project && !p) throw notFound('Project')
      const page = await listActions(app.db, request.actor, { authorId: person?.id, projectId: p?.id, cursor, limit: pageSize(limit, 30, 100) })
      return { items: page.items.map((a) => actionJson(app.config.baseUrl, a)), next: page.next }
    },
  )
}
