import { sql, type SelectQueryBuilder } from 'kysely'
import { visibleTo, type Actor } from '../../core/access/policy.ts'
import { afterCursor, type Cursor } from '../../core/http/pagination.ts'
import { ORGANISATION_ACCESS, likeEscape } from './organisations.queries.ts'
import { baselineOrganisationCounts } from './directory-counts.queries.ts'
import type { OrganisationsDb, OrganisationsTables, OrganisationType } from './organisations.tables.ts'

/** What the directory filters organisations by; every field optional, all combined. */
export interface OrganisationDirectoryFilter {
  q?: string
  theme?: string
  country?: string
  region?: string
  /** A city's GeoNames id (0030). */
  city?: string
  /** Count per city even without a country (the world map's points). */
  cityFacet?: boolean
  type?: string
  /** Only entries with no edit or confirmation since this time. */
  staleBefore?: string
  /** Only organisations outside the pre-aggregated baseline (in a space, or hidden): what a reader sees on top of it. */
  outsideBaseline?: boolean
}

export type Facet = Array<{ value: string; count: number }>

/** One organisation as the directory, the map and the export show it. */
export interface OrganisationEntry {
  id: string
  slug: string
  name: string
  type: OrganisationType
  country: string
  country_code: string
  city_id: string
  region: string
  website: string
  identifier: string
  description: string
  created_at: string
  updated_at: string
  confirmed_at: string | null
}

const ENTRY = ['organisations.id', 'organisations.slug', 'organisations.name', 'organisations.type', 'organisations.country', 'organisations.country_code', 'organisations.region', 'organisations.city_id', 'organisations.website', 'organisations.identifier', 'organisations.description', 'organisations.created_at', 'organisations.updated_at', 'organisations.confirmed_at'] as const

/** When the entry last showed a sign of life: its last edit or its managers' last confirmation. */
export const lastActive = sql<string>`case when organisations.confirmed_at > organisations.updated_at then organisations.confirmed_at else organisations.updated_at end`

type Query<O> = SelectQueryBuilder<OrganisationsTables, 'organisations', O>

/** The visible organisations matching every filter but `except` (a facet counts as if its own filter were off). */
function filtered<O>(q: Query<O>, actor: Actor, f: OrganisationDirectoryFilter, except?: keyof OrganisationDirectoryFilter): Query<O> {
  q = q.where((eb) => visibleTo(actor, eb, ORGANISATION_ACCESS))
  if (f.country && except !== 'country') q = q.where('organisations.country_code', '=', f.country)
  if (f.city && except !== 'city') q = q.where('organisations.city_id', '=', f.city)
  if (f.type && except !== 'type') q = q.where('organisations.type', '=', f.type as OrganisationType)
  if (f.region && except !== 'region') q = q.where(sql<string>`lower(organisations.region)`, '=', f.region.toLowerCase())
  if (f.theme && except !== 'theme') {
    const theme = f.theme
    q = q.where('organisations.id', 'in', (eb) => eb.selectFrom('organisation_themes').select('organisation_themes.organisation_id').where('organisation_themes.theme', '=', theme))
  }
  if (f.staleBefore) q = q.where(lastActive, '<', f.staleBefore)
  // Outside the baseline: the few rows in a space or hidden, read from their partial index (its condition verbatim).
  if (f.outsideBaseline) q = q.where('organisations.id', 'in', (eb) => eb.selectFrom('organisations as outside').select('outside.id').where(sql<boolean>`outside.space_id is not null or outside.hidden_at is not null`))
  // Words of the name or description, each required; LIKE with an escape character behaves alike on both databases.
  for (const word of (f.q ?? '').toLowerCase().split(/\s+/).filter(Boolean).slice(0, 5)) {
    const pattern = `%${likeEscape(word)}%`
    q = q.where(sql<boolean>`(lower(organisations.name) like ${pattern} escape '\\' or lower(organisations.description) like ${pattern} escape '\\')`)
  }
  return q
}

/** A page of matching organisations by name (keyset on name, id); fetches `limit + 1`. */
export async function organisationDirectoryPage(db: OrganisationsDb, actor: Actor, f: OrganisationDirectoryFilter, cursor: Cursor | null, limit: number): Promise<OrganisationEntry[]> {
  let q = filtered(db.selectFrom('organisations').select(ENTRY), actor, f)
  if (cursor) q = q.where((eb) => afterCursor(eb, 'organisations.name', 'organisations.id', cursor, 'asc'))
  return q.orderBy('organisations.name').orderBy('organisations.id').limit(limit + 1).execute()
}

type OrganisationFacets = { total: number; type: Facet; country: Facet; region: Facet; city: Facet; theme: Facet }

const unfiltered = (f: OrganisationDirectoryFilter) => !f.q && !f.theme && !f.country && !f.region && !f.city && !f.type && !f.staleBefore

/** Two facets added value by value, most first, at most `limit` values. */
function add(a: Facet, b: Facet, limit: number): Facet {
  const counts = new Map<string, number>()
  for (const { value, count } of [...a, ...b]) counts.set(value, (counts.get(value) ?? 0) + count)
  return [...counts].map(([value, count]) => ({ value, count })).sort((x, y) => y.count - x.count || (x.value < y.value ? -1 : x.value > y.value ? 1 : 0)).slice(0, limit)
}

/**
 * Counts per value of each facet (type, country, region, theme) under the other filters, and the total.
 * Unfiltered, the pre-aggregated baseline (0025) plus what this reader sees outside it, counted live.
 */
export async function organisationFacets(db: OrganisationsDb, actor: Actor, f: OrganisationDirectoryFilter): Promise<OrganisationFacets> {
  if (!unfiltered(f) || f.outsideBaseline) return liveFacets(db, actor, f)
  const [base, extra] = await Promise.all([baselineOrganisationCounts(db), liveFacets(db, actor, { outsideBaseline: true })])
  const of = (facet: string) => base.get(facet) ?? []
  return {
    total: (of('total')[0]?.count ?? 0) + extra.total,
    type: add(of('type'), extra.type, 300),
    country: add(of('country'), extra.country, 300),
    region: [],
    city: f.cityFacet ? add(of('city'), extra.city, 300) : [],
    theme: add(of('theme'), extra.theme, 40),
  }
}

async function liveFacets(db: OrganisationsDb, actor: Actor, f: OrganisationDirectoryFilter): Promise<OrganisationFacets> {
  const count = sql<number>`count(*)`
  const group = async (column: 'type' | 'country_code' | 'region' | 'city_id', except: keyof OrganisationDirectoryFilter) =>
    (await filtered(db.selectFrom('organisations').select([`organisations.${column} as value`, count.as('n')]), actor, f, except).where(`organisations.${column}`, '<>', '').groupBy(`organisations.${column}`).orderBy('n', 'desc').orderBy('value').limit(300).execute()).map((r) => ({ value: String(r.value), count: Number(r.n) }))
  const [total, type, country, region, city, theme] = await Promise.all([
    filtered(db.selectFrom('organisations').select(count.as('n')), actor, f).executeTakeFirstOrThrow(),
    group('type', 'type'),
    group('country_code', 'country'),
    // Regions are counted within a chosen country only (elsewhere the list would be long and mixed).
    f.country ? group('region', 'region') : Promise.resolve([]),
    // Cities likewise, or everywhere for the world map's points (an index on (country_code, city_id)).
    f.country || f.cityFacet || f.outsideBaseline ? group('city_id', 'city') : Promise.resolve([]),
    db
      .selectFrom('organisation_themes')
      .select(['organisation_themes.theme as value', count.as('n')])
      .where('organisation_themes.organisation_id', 'in', filtered(db.selectFrom('organisations').select('organisations.id'), actor, f, 'theme'))
      .groupBy('organisation_themes.theme')
      .orderBy('n', 'desc')
      .orderBy('value')
      .limit(40)
      .execute()
      .then((rows) => rows.map((r) => ({ value: r.value, count: Number(r.n) }))),
  ])
  return { total: Number(total.n), type, country, region, city, theme }
}

/** Every matching organisation, in pages of `batch` (keyset), for an export that streams. */
export async function* organisationDirectoryRows(db: OrganisationsDb, actor: Actor, f: OrganisationDirectoryFilter, batch = 1000): AsyncGenerator<OrganisationEntry> {
  let cursor: Cursor | null = null
  for (;;) {
    const rows = await organisationDirectoryPage(db, actor, f, cursor, batch)
    yield* rows.slice(0, batch)
    if (rows.length <= batch) return
    const last = rows[batch - 1]!
    cursor = { at: last.name, id: last.id }
  }
}

/** How many visible organisations were added each month ('2026-03'), oldest first. */
export async function organisationsPerMonth(db: OrganisationsDb, actor: Actor): Promise<Facet> {
  const month = sql<string>`substr(organisations.created_at, 1, 7)`
  const rows = await db.selectFrom('organisations').select([month.as('value'), sql<number>`count(*)`.as('n')]).where((eb) => visibleTo(actor, eb, ORGANISATION_ACCESS)).groupBy(month).orderBy(month).execute()
  return rows.map((r) => ({ value: r.value, count: Number(r.n) }))
}
