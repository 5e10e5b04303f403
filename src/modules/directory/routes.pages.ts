import type { FastifyPluginAsync } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { cursor, query, text } from '../../core/http/schemas.ts'
import { decodeCursor } from '../../core/http/pagination.ts'
import { citySuggestions, countryCode, countryName, countryNumeric, organisationDirectory, organisationsAddedPerMonth, organisationSuggestions } from '../organisations/organisations.ts'
import { organisationLinks, organisationsWorkingWithOthers, projectsAddedPerMonth } from '../projects/projects.ts'
import { layoutNetworkCached, NETWORK_HEIGHT, NETWORK_WIDTH } from './network.ts'
import { monthlyGrowth, tableOf } from './stats.ts'
import { browseDirectory, directoryVocabulary, filterQuery, filterSelects, readFilter, staleBefore, type DirectoryFilter } from './directory.ts'
import { countryShapes, MAP_HEIGHT, MAP_WIDTH, mapPoint, pointRadius, shadeOf } from './map.ts'
import { exportCsv, exportJson } from './export.ts'
import { SCHEMA_FIELDS, LICENCE } from './schema.ts'
import { vocabularyPages } from './routes.vocabulary.ts'

const PAGE_SIZE = 20
/** Height of one region's bar on a country's map, px. */
const REGION_BAR = 28
const FILTERS = { kind: text(20), q: text(100), theme: text(60), technology: text(60), country: text(80), region: text(80), city: text(20), phase: text(20), type: text(40), stale: text(1) }
const FILTER_NAMES = Object.keys(FILTERS)
const crumbs = [{ text: 'Home', href: '/' }]
const directoryCrumbs = [...crumbs, { text: 'Directory', href: '/directory' }]

const isFiltered = (f: DirectoryFilter) => Boolean(f.q || f.theme || f.technology || f.country || f.region || f.city || f.phase || f.type || f.stale || f.kind !== 'all')

/** The directory's pages: browse with facets, the map, the open data exports and their schema. */
export const directoryPages: FastifyPluginAsync = async (plain) => {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>()
  await plain.register(vocabularyPages)
  const staleDays = app.config.directoryStaleDays

  app.get('/directory', { config: { serves: 'page', cache: true, cacheQuery: [...FILTER_NAMES, 'cursor'] }, schema: { querystring: query({ ...FILTERS, cursor }) } }, async (request, reply) => {
    const vocabulary = await directoryVocabulary(app.db)
    const { filter, notices } = readFilter(request.query, vocabulary)
    const page = decodeCursor(request.query.cursor)
    const result = await browseDirectory(app.db, request.actor, filter, page, { staleDays, pageSize: PAGE_SIZE, vocabulary })
    const link = (change: Parameters<typeof filterQuery>[1]) => `/directory${filterQuery(filter, change)}`
    return reply.render('directory/index.njk', {
      title: filter.stale ? 'Directory entries that may be out of date' : 'Directory',
      breadcrumbs: crumbs,
      filter,
      notices,
      ...result,
      selects: filterSelects(result.facets, filter),
      staleSince: staleBefore(staleDays),
      link,
      queryString: filterQuery(filter),
      next: {
        organisations: result.organisations?.next ? link({ kind: 'organisations', cursor: result.organisations.next }) : null,
        projects: result.projects?.next ? link({ kind: 'projects', cursor: result.projects.next }) : null,
      },
      first: page ? link({}) : null,
      noindex: isFiltered(filter) || page !== null,
      metaDescription: 'Organisations and projects working in the open, by theme, technology, place and phase.',
    })
  })

  app.get('/directory/map', { config: { serves: 'page', cache: true, cacheQuery: FILTER_NAMES }, schema: { querystring: query(FILTERS) } }, async (request, reply) => {
    const vocabulary = await directoryVocabulary(app.db)
    const read = readFilter(request.query, vocabulary)
    const notices = read.notices
    // With a country chosen, the map shows its regions (counts per ISO 3166-2 region, as bars and a table).
    if (read.filter.country) {
      const filter = { ...read.filter, region: '', city: '' }
      const result = await browseDirectory(app.db, request.actor, filter, null, { staleDays, pageSize: 1, vocabulary })
      const cities = result.byCity.map((c) => ({ ...c, total: c.organisations + c.projects, href: `/directory${filterQuery(filter, { city: c.id })}` }))
      const max = Math.max(1, ...result.byRegion.map((r) => r.organisations + r.projects))
      const regions = result.byRegion.map((r, i) => ({ ...r, total: r.organisations + r.projects, y: 8 + i * REGION_BAR, width: Math.max(2, Math.round(((r.organisations + r.projects) / max) * (MAP_WIDTH - 320))), href: `/directory${filterQuery(filter, { region: r.name })}` }))
      const countryTotal = result.byCountry.find((c) => c.code === filter.country)
      return reply.render('directory/map-regions.njk', {
        title: `Directory map: ${countryName(filter.country)}`,
        breadcrumbs: [...directoryCrumbs, { text: 'Map', href: '/directory/map' }],
        filter,
        notices,
        regions,
        cities,
        countryTotal,
        width: MAP_WIDTH,
        height: 16 + regions.length * REGION_BAR,
        selects: filterSelects(result.facets, filter),
        queryString: filterQuery(filter),
        noindex: true,
      })
    }
    // The world map shows every country (a country's link leads to its regions and the directory).
    const filter = { ...read.filter, country: '', region: '', city: '' }
    const result = await browseDirectory(app.db, request.actor, filter, null, { staleDays, pageSize: 1, vocabulary, cities: true })
    // Cities with entries as points (the largest drawn first, so smaller ones stay on top and clickable).
    const maxCity = Math.max(1, ...result.byCity.map((c) => c.organisations + c.projects))
    const points = result.byCity.map((c) => ({ ...c, total: c.organisations + c.projects, ...mapPoint(c.lon, c.lat), r: pointRadius(c.organisations + c.projects, maxCity), countryName: countryName(c.country), href: `/directory${filterQuery(filter, { country: c.country, city: c.id })}` }))
    const rows = result.byCountry
    const byNumeric = new Map(rows.map((r) => [countryNumeric(r.code), r]))
    const max = Math.max(0, ...rows.map((r) => r.organisations + r.projects))
    const countries = countryShapes().map((s) => {
      const row = byNumeric.get(s.numeric)
      const total = row ? row.organisations + row.projects : 0
      return { d: s.d, name: row?.name ?? s.name, total, row, shade: shadeOf(total, max), href: row ? `/directory${filterQuery(filter, { country: row.code })}` : null }
    })
    return reply.render('directory/map.njk', {
      title: 'Directory map',
      breadcrumbs: directoryCrumbs,
      filter,
      notices,
      countries,
      rows,
      points,
      selects: filterSelects(result.facets, filter),
      width: MAP_WIDTH,
      height: MAP_HEIGHT,
      queryString: filterQuery(filter),
      noindex: isFiltered(filter),
      metaDescription: 'Where organisations and projects working in the open are, country by country.',
    })
  })

  const NETWORK_FILTERS = { theme: text(60), country: text(80) }
  app.get('/directory/network', { config: { serves: 'page', cache: true, cacheQuery: Object.keys(NETWORK_FILTERS) }, schema: { querystring: query(NETWORK_FILTERS) } }, async (request, reply) => {
    const vocabulary = await directoryVocabulary(app.db)
    const { filter, notices } = readFilter(request.query, vocabulary)
    const scope = { theme: filter.theme || undefined, country: filter.country || undefined }
    const [pairs, candidates, facets] = await Promise.all([
      organisationLinks(app.db, request.actor, scope, 150),
      // Isolated: organisations under the filter that share no project with another (looked for among the first 200 by name).
      organisationDirectory(app.db, request.actor, scope, null, 200),
      browseDirectory(app.db, request.actor, { ...filter, country: '', kind: 'all' }, null, { staleDays, pageSize: 1, vocabulary }).then((r) => r.facets),
    ])
    const working = await organisationsWorkingWithOthers(app.db, request.actor, candidates.items.map((o) => o.id))
    return reply.render('directory/network.njk', {
      title: 'Who works with whom',
      breadcrumbs: directoryCrumbs,
      filter,
      notices,
      drawn: layoutNetworkCached(pairs),
      strongest: pairs.slice(0, 20),
      isolated: candidates.items.filter((o) => !working.has(o.id)).slice(0, 30),
      selects: filterSelects({ ...facets, country: facets.country }, filter),
      width: NETWORK_WIDTH,
      height: NETWORK_HEIGHT,
      noindex: Boolean(filter.theme || filter.country),
      metaDescription: 'Which organisations work together on which projects.',
    })
  })

  app.get('/directory/stats', { config: { serves: 'page', cache: true, cacheQuery: [] }, schema: { querystring: query({}) } }, async (request, reply) => {
    const all = readFilter({}).filter
    const vocabulary = await directoryVocabulary(app.db)
    const [result, orgMonths, projectMonths] = await Promise.all([
      browseDirectory(app.db, request.actor, all, null, { staleDays, pageSize: 1, vocabulary }),
      organisationsAddedPerMonth(app.db, request.actor),
      projectsAddedPerMonth(app.db, request.actor),
    ])
    const f = result.facets
    return reply.render('directory/stats.njk', {
      title: 'Directory statistics',
      breadcrumbs: directoryCrumbs,
      totals: { organisations: result.organisations?.total ?? 0, projects: result.projects?.total ?? 0 },
      tables: [
        tableOf('By country', 'Country', f.country.map((v) => ({ ...v, label: countryName(v.value) })), (v) => `/directory?country=${v}`),
        tableOf('By theme', 'Theme', f.theme, (v) => `/directory?theme=${encodeURIComponent(v)}`),
        tableOf('Projects by technology', 'Technology', f.technology, (v) => `/directory?technology=${encodeURIComponent(v)}`),
        tableOf('Projects by phase', 'Phase', f.phase, (v) => `/directory?phase=${v}`),
        tableOf('Organisations by type', 'Type', f.type, (v) => `/directory?type=${encodeURIComponent(v)}`),
      ],
      growth: monthlyGrowth(orgMonths, projectMonths),
      metaDescription: 'How many organisations and projects are in the directory, by country, theme, technology, phase and type, and how it grows.',
    })
  })

  // Names for the search-as-you-type list of organisation fields (core/assets/openly.js): only what the reader may see.
  app.get('/directory/organisations.json', { config: { serves: 'api' }, schema: { querystring: query({ q: text(100) }) } }, async (request, reply) => {
    const q = request.query.q ?? ''
    const found = q.trim().length >= 2 ? await organisationSuggestions(app.db, request.actor, q, 10) : []
    return reply.send(found.map((o) => o.name))
  })

  // City names of a country for the search-as-you-type city fields (core/assets/openly.js): bundled data, no reader's data.
  app.get('/directory/cities.json', { config: { serves: 'api' }, schema: { querystring: query({ q: text(100), country: text(80) }) } }, async (request, reply) => {
    const q = request.query.q ?? ''
    const country = countryCode(request.query.country ?? '')
    const found = country && q.trim().length >= 2 ? citySuggestions(country, q, 10) : []
    return reply.send([...new Set(found.map((c) => c.name))])
  })

  app.get('/directory/export.csv', { config: { serves: 'file' }, schema: { querystring: query(FILTERS) } }, async (request, reply) => {
    const vocabulary = await directoryVocabulary(app.db)
    const { filter } = readFilter(request.query, vocabulary)
    reply.type('text/csv; charset=utf-8').header('Content-Disposition', 'attachment; filename="openly-directory.csv"')
    return reply.send(exportCsv(app.db, request.actor, filter, staleDays, app.config.baseUrl))
  })

  app.get('/directory/export.json', { config: { serves: 'file' }, schema: { querystring: query(FILTERS) } }, async (request, reply) => {
    const vocabulary = await directoryVocabulary(app.db)
    const { filter } = readFilter(request.query, vocabulary)
    reply.type('application/json; charset=utf-8')
    return reply.send(exportJson(app.db, request.actor, filter, staleDays, app.config.baseUrl))
  })

  app.get('/directory/schema', { config: { serves: 'page', cache: true, cacheQuery: [], cacheTopics: [] }, schema: { querystring: query({}) } }, async (_request, reply) => {
    return reply.render('directory/schema.njk', { title: 'Directory open data', breadcrumbs: directoryCrumbs, fields: SCHEMA_FIELDS, licence: LICENCE, metaDescription: 'The fields, identifiers and licence of the directory’s open data exports.' })
  })
}
