import type { FastifyPluginAsync } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { AppError, notFound } from '../../core/errors.ts'
import { decodeCursor, pageSize, paginate } from '../../core/http/pagination.ts'
import { cityById, filterTerm, organisationsBySlugs } from '../organisations/organisations.ts'
import { cursor, limit, query, text } from '../../core/http/schemas.ts'
import { Type } from 'typebox'
import { currentProjectSlug, findProjectBySlug, linksOf, listProjects, tagsOf, type ProjectRow, type ProjectTags } from './projects.queries.ts'
import { findVisibleProject, projectOrganisations, teamOf } from './projects.ts'
import { PHASES } from './projects.tables.ts'
import { projectRevisionApi } from './revisions.api.ts'

const orgRef = { type: 'object', properties: { slug: { type: 'string' }, name: { type: 'string' } } } as const

const projectJson = {
  type: 'object',
  required: ['id', 'slug', 'name', 'summary', 'phase', 'problem', 'audience', 'lookingFor', 'tags', 'leadOrganisations', 'partnerOrganisations', 'url', 'createdAt', 'updatedAt'],
  properties: {
    id: { type: 'string' },
    slug: { type: 'string' },
    name: { type: 'string' },
    summary: { type: 'string' },
    phase: { type: 'string', enum: [...PHASES] },
    problem: { type: 'string' },
    audience: { type: 'string', description: 'Who it is for' },
    lookingFor: { type: 'string', description: 'Help, skills or partners wanted' },
    tags: {
      type: 'object',
      properties: { theme: { type: 'array', items: { type: 'string' } }, place: { type: 'array', items: { type: 'string' } }, technology: { type: 'array', items: { type: 'string' } } },
    },
    leadOrganisations: { type: 'array', items: orgRef },
    partnerOrganisations: { type: 'array', items: orgRef },
    revision: { type: 'integer', description: 'The number of its latest revision: what a proposed edit starts from' },
    countryCode: { type: 'string', description: 'ISO 3166-1 alpha-2 (empty when not said)' },
    city: { anyOf: [{ type: 'object', required: ['geonamesId', 'name', 'latitude', 'longitude'], properties: { geonamesId: { type: 'integer' }, name: { type: 'string' }, latitude: { type: 'number' }, longitude: { type: 'number' } } }, { type: 'null' }], description: 'The city, from the bundled GeoNames gazetteer (null when not said)' },
    url: { type: 'string', description: 'Absolute URL of the project page' },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
} as const

/** A city as the API gives it (null when none). */
const cityJson = (id: string) => {
  const city = id ? cityById(id) : null
  return city ? { geonamesId: city.id, name: city.name, latitude: city.lat, longitude: city.lon } : null
}

const problem = { type: 'object', properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' } } } as const

/** JSON API of projects, under /api/v1: read, and revisions and proposed edits (revisions.api.ts). */
export const projectApi: FastifyPluginAsync = async (plain) => {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>()
  await plain.register(projectRevisionApi)
  const toJson = (p: ProjectRow, tags: ProjectTags | undefined, orgs: { lead: Array<{ slug: string; name: string }>; partners: Array<{ slug: string; name: string }> } | undefined) => ({
    id: p.id,
    slug: p.slug,
    name: p.name,
    summary: p.summary,
    phase: p.phase,
    problem: p.problem,
    audience: p.audience,
    lookingFor: p.looking_for,
    tags: tags ?? { theme: [], place: [], technology: [] },
    leadOrganisations: (orgs?.lead ?? []).map((o) => ({ slug: o.slug, name: o.name })),
    partnerOrganisations: (orgs?.partners ?? []).map((o) => ({ slug: o.slug, name: o.name })),
    revision: p.revision,
    countryCode: p.country_code,
    city: cityJson(p.city_id),
    url: `${app.config.baseUrl}/projects/${p.slug}`,
    createdAt: p.created_at,
    updatedAt: p.updated_at,
  })

  app.get(
    '/projects',
    {
      config: { serves: 'api', filters: { organisation: 'organisation' } },
      schema: {
        tags: ['projects'],
        summary: 'List projects, most recently updated first',
        querystring: query({
          phase: Type.Union(PHASES.map((p) => Type.Literal(p))),
          theme: Type.String({ maxLength: 40, description: 'A theme of the vocabulary: its slug, its label, or a former slug of a renamed theme' }),
          place: text(60),
          technology: Type.String({ maxLength: 40, description: 'A technology of the vocabulary: its slug, its label, or a former slug of a renamed one' }),
          organisation: Type.String({ maxLength: 100, description: 'Slug of a lead or partner organisation' }),
          limit: { ...limit, default: 20 },
          cursor: { ...cursor, description: 'The `next` value of the previous page' },
        }),
        response: {
          200: { type: 'object', required: ['items', 'next'], properties: { items: { type: 'array', items: projectJson }, next: { type: ['string', 'null'] } } },
          400: problem,
        },
      },
    },
    async (request) => {
      const q = request.query
      const size = pageSize(q.limit)
      let organisationId: string | undefined
      if (q.organisation) {
        const slug = q.organisation.toLowerCase()
        organisationId = (await organisationsBySlugs(app.db, request.actor, [slug])).get(slug)?.id ?? '-'
      }
      // A renamed term's former slug finds it, as on the directory's pages (0025).
      const [theme, technology] = await Promise.all([filterTerm(app.db, 'theme', q.theme), filterTerm(app.db, 'technology', q.technology)])
      const filter = { phase: q.phase, theme, place: q.place?.trim() || undefined, technology, organisationId }
      const rows = await listProjects(app.db, request.actor, filter, decodeCursor(q.cursor), size)
      const page = paginate(rows, size, (r) => ({ at: r.updated_at, id: r.id }))
      const ids = page.items.map((p) => p.id)
      const [tags, orgs] = await Promise.all([tagsOf(app.db, ids), projectOrganisations(app.db, request.actor, ids)])
      return { items: page.items.map((p) => toJson(p, tags.get(p.id), orgs.get(p.id))), next: page.next }
    },
  )

  app.get(
    '/projects/:slug',
    {
      config: { serves: 'api', shows: 'project' },
      schema: {
        tags: ['projects'],
        summary: 'One project, with its team and links',
        params: { type: 'object', required: ['slug'], properties: { slug: { type: 'string', maxLength: 100 } } },
        response: {
          200: {
            ...projectJson,
            required: [...projectJson.required, 'team', 'links'],
            properties: {
              ...projectJson.properties,
              team: { type: 'array', items: { type: 'object', properties: { handle: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' } } } },
              links: { type: 'array', items: { type: 'object', properties: { label: { type: 'string' }, url: { type: 'string' } } } },
            },
          },
          404: problem,
        },
      },
    },
    async (request, reply) => {
      const { slug } = request.params as { slug: string }
      if (!(await findProjectBySlug(app.db, slug))) {
        const current = await currentProjectSlug(app.db, slug)
        if (current) return reply.redirect(`/api/v1/projects/${current}`, 301)
        throw notFound('Project')
      }
      const p = await findVisibleProject(app.db, request.actor, slug)
      const [tags, orgs, team, links] = await Promise.all([tagsOf(app.db, [p.id]), projectOrganisations(app.db, request.actor, [p.id]), teamOf(app.db, p.id).then((team) => team.filter((m) => m.public)), linksOf(app.db, p.id)])
      return { ...toJson(p, tags.get(p.id), orgs.get(p.id)), team: team.map((m) => ({ handle: m.handle, name: m.name, role: m.role })), links }
    },
  )
}
