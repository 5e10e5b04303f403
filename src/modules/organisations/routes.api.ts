import type { FastifyPluginAsync } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { AppError, notFound } from '../../core/errors.ts'
import { decodeCursor, pageSize, paginate } from '../../core/http/pagination.ts'
import { currentOrganisationSlug, findOrganisationBySlug, listOrganisations, themesOf, type OrganisationRow } from './organisations.queries.ts'
import { findVisibleOrganisation, membersOf } from './organisations.ts'
import { filterTerm } from './vocabulary.ts'
import { cityById } from './cities.ts'
import { organisationRevisionApi } from './revisions.api.ts'
import { cursor, limit, query, text } from '../../core/http/schemas.ts'
import { Type } from 'typebox'
import { ORGANISATION_TYPES } from './organisations.tables.ts'

const organisationJson = {
  type: 'object',
  required: ['id', 'slug', 'name', 'type', 'country', 'region', 'website', 'description', 'themes', 'url', 'createdAt', 'updatedAt'],
  properties: {
    id: { type: 'string' },
    slug: { type: 'string' },
    name: { type: 'string' },
    type: { type: 'string', enum: [...ORGANISATION_TYPES] },
    country: { type: 'string' },
    region: { type: 'string' },
    website: { type: 'string' },
    description: { type: 'string' },
    themes: { type: 'array', items: { type: 'string' } },
    countryCode: { type: 'string', description: 'ISO 3166-1 alpha-2' },
    regionCode: { type: 'string', description: 'ISO 3166-2 (empty when none)' },
    city: { anyOf: [{ type: 'object', required: ['geonamesId', 'name', 'latitude', 'longitude'], properties: { geonamesId: { type: 'integer' }, name: { type: 'string' }, latitude: { type: 'number' }, longitude: { type: 'number' } } }, { type: 'null' }], description: 'The city, from the bundled GeoNames gazetteer (null when not said)' },
    revision: { type: 'integer', description: 'The number of its latest revision: what a proposed edit starts from' },
    url: { type: 'string', description: 'Absolute URL of the organisation page' },
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

/** JSON API of the organisations directory, under /api/v1: read, and revisions and proposed edits (revisions.api.ts). */
export const organisationApi: FastifyPluginAsync = async (plain) => {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>()
  await plain.register(organisationRevisionApi)
  const toJson = (o: OrganisationRow, themes: string[]) => ({
    id: o.id,
    slug: o.slug,
    name: o.name,
    type: o.type,
    country: o.country,
    region: o.region,
    website: o.website,
    description: o.description,
    themes,
    countryCode: o.country_code,
    regionCode: o.region_code,
    city: cityJson(o.city_id),
    revision: o.revision,
    url: `${app.config.baseUrl}/organisations/${o.slug}`,
    createdAt: o.created_at,
    updatedAt: o.updated_at,
  })

  app.get(
    '/organisations',
    {
      config: { serves: 'api' },
      schema: {
        tags: ['organisations'],
        summary: 'List organisations in the directory, alphabetically',
        querystring: query({
          country: text(80),
          type: Type.Union(ORGANISATION_TYPES.map((t) => Type.Literal(t))),
          theme: Type.String({ maxLength: 40, description: 'A theme of the vocabulary: its slug, its label, or a former slug of a renamed theme' }),
          limit: { ...limit, default: 20 },
          cursor: { ...cursor, description: 'The `next` value of the previous page' },
        }),
        response: {
          200: { type: 'object', required: ['items', 'next'], properties: { items: { type: 'array', items: organisationJson }, next: { type: ['string', 'null'] } } },
          400: problem,
        },
      },
    },
    async (request) => {
      const q = request.query
      const size = pageSize(q.limit)
      // A renamed theme's former slug finds it, as on the directory's pages (0025).
      const filter = { country: q.country?.trim() || undefined, type: q.type || undefined, theme: await filterTerm(app.db, 'theme', q.theme) }
      const rows = await listOrganisations(app.db, request.actor, filter, decodeCursor(q.cursor), size)
      const page = paginate(rows, size, (r) => ({ at: r.name, id: r.id }))
      const themes = await themesOf(app.db, page.items.map((o) => o.id))
      return { items: page.items.map((o) => toJson(o, themes.get(o.id) ?? [])), next: page.next }
    },
  )

  app.get(
    '/organisations/:slug',
    {
      config: { serves: 'api', shows: 'organisation' },
      schema: {
        tags: ['organisations'],
        summary: 'One organisation, with its members',
        params: { type: 'object', required: ['slug'], properties: { slug: { type: 'string', maxLength: 100 } } },
        response: {
          200: {
            ...organisationJson,
            required: [...organisationJson.required, 'members'],
            properties: {
              ...organisationJson.properties,
              members: { type: 'array', items: { type: 'object', properties: { handle: { type: 'string' }, name: { type: 'string' }, role: { type: 'string', enum: ['admin', 'member'] } } } },
            },
          },
          404: problem,
        },
      },
    },
    async (request, reply) => {
      const { slug } = request.params as { slug: string }
      const org = await findOrganisationBySlug(app.db, slug)
      if (!org) {
        const current = await currentOrganisationSlug(app.db, slug)
        if (current) return reply.redirect(`/api/v1/organisations/${current}`, 301)
        throw notFound('Organisation')
      }
      await findVisibleOrganisation(app.db, request.actor, slug)
      const [themes, members] = await Promise.all([themesOf(app.db, [org.id]), membersOf(app.db, org.id)])
      return { ...toJson(org, themes.get(org.id) ?? []), members: members.filter((m) => m.public).map((m) => ({ handle: m.handle, name: m.name, role: m.role })) }
    },
  )
}
