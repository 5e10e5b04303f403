import type { FastifyInstance } from 'fastify'
import { notFound } from '../../core/errors.ts'
import { pageSize } from '../../core/http/pagination.ts'
import { hydrate, listPosts, viewablePost, type ListOptions, type PostCard } from './posts.ts'
import { findVisiblePerson } from '../accounts/accounts.ts'
import { visibleOrganisationBySlug } from '../organisations/organisations.ts'
import { visibleProjectBySlug } from '../projects/projects.ts'
import { normaliseTag } from './posts.schemas.ts'

const ref = { type: ['object', 'null'], properties: { slug: { type: 'string' }, name: { type: 'string' } } }
const postSchema = {
  type: 'object',
  properties: {
    slug: { type: 'string' },
    url: { type: 'string', description: 'Absolute URL of the post page' },
    title: { type: 'string' },
    summary: { type: 'string' },
    status: { type: 'string', enum: ['draft', 'published'] },
    publishedAt: { type: ['string', 'null'], format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
    authors: { type: 'array', items: { type: 'object', properties: { handle: { type: 'string' }, name: { type: 'string' } } } },
    tags: { type: 'array', items: { type: 'string' } },
    project: ref,
    organisation: ref,
    community: { type: ['object', 'null'], properties: { name: { type: 'string' }, path: { type: 'string' } } },
    series: { type: ['object', 'null'], properties: { title: { type: 'string' }, number: { type: ['integer', 'null'] } } },
    bodyHtml: { type: 'string', description: 'Sanitised HTML (single post only)' },
    learned: { type: 'string' },
  },
}
const problem = { type: 'object', properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' } } }

function toJson(baseUrl: string, p: PostCard, extra: { bodyHtml?: string; learned?: string } = {}) {
  return {
    slug: p.slug,
    url: `${baseUrl}${p.url}`,
    title: p.title,
    summary: p.excerpt,
    status: p.status,
    publishedAt: p.publishedAt,
    updatedAt: p.updatedAt,
    authors: p.authors.map((a) => ({ handle: a.handle, name: a.name })),
    tags: p.tags,
    project: p.project ? { slug: p.project.slug, name: p.project.name } : null,
    organisation: p.organisation ? { slug: p.organisation.slug, name: p.organisation.name } : null,
    community: p.community ? { name: p.community.name, path: p.community.path } : null,
    series: p.series ? { title: p.series.title, number: p.series.number } : null,
    ...extra,
  }
}

type ListQuery = { tag?: string; project?: string; organisation?: string; author?: string; limit?: number; cursor?: string }

/** JSON API: the posts a reader may see, same rules as the pages. */
export async function postsApi(app: FastifyInstance): Promise<void> {
  app.get<{ Querystring: ListQuery }>(
    '/posts',
    {
      config: { serves: 'api', filters: { tag: 'tag', project: 'project', organisation: 'organisation', author: 'person' } },
      schema: {
        tags: ['posts'],
        summary: 'Published posts, newest first',
        querystring: {
          type: 'object',
          properties: {
            tag: { type: 'string', maxLength: 60 },
            project: { type: 'string', maxLength: 100, description: 'Project slug' },
            organisation: { type: 'string', maxLength: 100, description: 'Organisation slug' },
            author: { type: 'string', maxLength: 60, description: 'Author handle (co-authors included)' },
            limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
            cursor: { type: 'string', maxLength: 200 },
          },
        },
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: postSchema }, next: { type: ['string', 'null'] } } }, 404: problem },
      },
    },
    async (request) => {
      const q = request.query
      const options: ListOptions = { cursor: q.cursor ?? null, limit: pageSize(q.limit) }
      // An unknown filter target is a 404, not an empty list, so typos are noticed.
      if (q.tag) options.tag = normaliseTag(q.tag)
      if (q.project) options.projectId = (await visibleProjectBySlug(app.db, request.actor, q.project))?.id ?? throwNotFound('Project')
      if (q.organisation) options.organisationId = (await visibleOrganisationBySlug(app.db, request.actor, q.organisation))?.id ?? throwNotFound('Organisation')
      if (q.author) options.authorId = (await findVisiblePerson(app.db, request.actor, q.author))?.id ?? throwNotFound('Person')
      const page = await listPosts(app.db, request.actor, options)
      return { items: page.items.map((p) => toJson(app.config.baseUrl, p)), next: page.next }
    },
  )

  app.get<{ Params: { slug: string } }>(
    '/posts/:slug',
    {
      config: { serves: 'api', shows: 'post' },
      schema: {
        tags: ['posts'],
        summary: 'One post',
        params: { type: 'object', properties: { slug: { type: 'string', maxLength: 100 } }, required: ['slug'] },
        response: { 200: postSchema, 404: problem },
      },
    },
    async (request) => {
      const { post } = await viewablePost(app.db, request.actor, request.params.slug)
      const card = (await hydrate(app.db, request.actor, [post]))[0]!
      return toJson(app.config.baseUrl, card, { bodyHtml: post.body_html, learned: post.learned })
    },
  )
}

function throwNotFound(what: string): never {
  throw notFound(what)
}
