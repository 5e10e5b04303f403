import { sql, type SelectQueryBuilder } from 'kysely'
import { visibleTo, type Actor } from '../../core/access/policy.ts'
import { afterCursor, type Cursor } from '../../core/http/pagination.ts'
import { PROJECT_ACCESS } from './projects.queries.ts'
import { baselineProjectCounts } from './directory-counts.queries.ts'
import type { Phase, ProjectsDb, ProjectsTables, TagKind } from './projects.tables.ts'

/** What the directory filters projects by; every field optional, all combined. */
export interface ProjectDirectoryFilter {
  q?: string
  theme?: string
  technology?: string
  country?: string
  /** A place tag (region or city), ignoring case. */
  region?: string
  /** A city's GeoNames id (0030). */
  city?: string
  /** Count per city even without a country (the world map's points). */
  cityFacet?: boolean
  phase?: string
  /** Only entries with no edit or confirmation since this time. */
  staleBefore?: string
  /** Only projects outside the pre-aggregated baseline (in a space, or hidden): what a reader sees on top of it. */
  outsideBaseline?: boolean
}

export type Facet = Array<{ value: string; count: number }>

/** One project as the directory, the map and the export show it. */
export interface ProjectEntry {
  id: string
  slug: string
  name: string
  summary: string
  phase: Phase
  country_code: string
  city_id: string
  created_at: string
  updated_at: string
  confirmed_at: string | null
}

const ENTRY = ['projects.id', 'projects.slug', 'projects.name', 'projects.summary', 'projects.phase', 'projects.country_code', 'projects.city_id', 'projects.created_at', 'projects.updated_at', 'projects.confirmed_at'] as const

/** When the project last showed a sign of life: its last edit or its managers' last confirmation. */
export const lastActive = sql<string>`case when projects.confirmed_at > projects.updated_at then projects.confirmed_at else projects.updated_at end`

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`)

type Query<O> = SelectQueryBuilder<ProjectsTables, 'projects', O>

/** The visible projects matching every filter but `except` (a facet counts as if its own filter were off). */
function filtered<O>(q: Query<O>, actor: Actor, f: ProjectDirectoryFilter, except?: keyof ProjectDirectoryFilter): Query<O> {
  q = q.where((eb) => visibleTo(actor, eb, PROJECT_ACCESS))
  if (f.country && except !== 'country') q = q.where('projects.country_code', '=', f.country)
  if (f.city && except !== 'city') q = q.where('projects.city_id', '=', f.city)
  if (f.phase && except !== 'phase') q = q.where('projects.phase', '=', f.phase as Phase)
  const tagged = (kind: TagKind, value: string, caseless = false) =>
    q.where('projects.id', 'in', (eb) =>
      eb
        .selectFrom('project_tags')
        .select('project_tags.project_id')
        .where('project_tags.kind', '=', kind)
        .where(caseless ? sql<string>`lower(project_tags.value)` : 'project_tags.value', '=', caseless ? value.toLowerCase() : value),
    )
  if (f.theme && except !== 'theme') q = tagged('theme', f.theme)
  if (f.technology && except !== 'technology') q = tagged('technology', f.technology)
  if (f.region && except !== 'region') q = tagged('place', f.region, true)
  if (f.staleBefore) q = q.where(lastActive, '<', f.staleBefore)
  // Outside the baseline: the few rows in a space or hidden, read from their partial index (its condition verbatim).
  if (f.outsideBaseline) q = q.where('projects.id', 'in', (eb) => eb.selectFrom('projects as outside').select('outside.id').where(sql<boolean>`outside.space_id is not null or outside.hidden_at is not null`))
  // Words of the name or summary, each required; LIKE with an escape character behaves alike on both databases.
  for (const word of (f.q ?? '').toLowerCase().split(/\s+/).filter(Boolean).slice(0, 5)) {
    const pattern = `%${escapeLike(word)}%`
    q = q.where(sql<boolean>`(lower(projects.name) like ${pattern} escape '\\' or lower(projects.summary) like ${pattern} escape '\\')`)
  }
  return q
}

/** A page of matching projects by name (keyset on name, id); fetches `limit + 1`. */
export async function projectDirectoryPage(db: ProjectsDb, actor: Actor, f: ProjectDirectoryFilter, cursor: Cursor | null, limit: number): Promise<ProjectEntry[]> {
  let q = filtered(db.selectFrom('projects').select(ENTRY), actor, f)
  if (cursor) q = q.where((eb) => afterCursor(eb, 'projects.name', 'projects.id', cursor, 'asc'))
  return q.orderBy('projects.name').orderBy('projects.id').limit(limit + 1).execute()
}

type ProjectFacets = { total: number; phase: Facet; country: Facet; region: Facet; city: Facet; theme: Facet; technology: Facet }

const unfiltered = (f: ProjectDirectoryFilter) => !f.q && !f.theme && !f.technology && !f.country && !f.region && !f.city && !f.phase && !f.staleBefore

/** Two facets added value by value, most first, at most `limit` values. */
function add(a: Facet, b: Facet, limit: number): Facet {
  const counts = new Map<string, number>()
  for (const { value, count } of [...a, ...b]) counts.set(value, (counts.get(value) ?? 0) + count)
  return [...counts].map(([value, count]) => ({ value, count })).sort((x, y) => y.count - x.count || (x.value < y.value ? -1 : x.value > y.value ? 1 : 0)).slice(0, limit)
}

/**
 * Counts per value of each facet (phase, country, region, theme, technology) under the other filters, and the
 * total. Unfiltered, the pre-aggregated baseline (0025) plus what this reader sees outside it, counted live.
 */
export async function projectFacets(db: ProjectsDb, actor: Actor, f: ProjectDirectoryFilter): Promise<ProjectFacets> {
  if (!unfiltered(f) || f.outsideBaseline) return liveFacets(db, actor, f)
  const [base, extra] = await Promise.all([baselineProjectCounts(db), liveFacets(db, actor, { outsideBaseline: true })])
  const of = (facet: string) => base.get(facet) ?? []
  return {
    total: (of('total')[0]?.count ?? 0) + extra.total,
    phase: add(of('phase'), extra.phase, 300),
    country: add(of('country'), extra.country, 300),
    region: [],
    city: f.cityFacet ? add(of('city'), extra.city, 300) : [],
    theme: add(of('theme'), extra.theme, 40),
    technology: add(of('technology'), extra.technology, 40),
  }
}

async function liveFacets(db: ProjectsDb, actor: Actor, f: ProjectDirectoryFilter): Promise<ProjectFacets> {
  const count = sql<number>`count(*)`
  const column = async (name: 'phase' | 'country_code' | 'city_id', except: keyof ProjectDirectoryFilter) =>
    (await filtered(db.selectFrom('projects').select([`projects.${name} as value`, count.as('n')]), actor, f, except).where(`projects.${name}`, '<>', '').groupBy(`projects.${name}`).orderBy('n', 'desc').orderBy('value').limit(300).execute()).map((r) => ({ value: String(r.value), count: Number(r.n) }))
  const tags = async (kind: TagKind, except: keyof ProjectDirectoryFilter, limit: number) =>
    (
      await db
        .selectFrom('project_tags')
        .select(['project_tags.value', count.as('n')])
        .where('project_tags.kind', '=', kind)
        .where('project_tags.project_id', 'in', filtered(db.selectFrom('projects').select('projects.id'), actor, f, except))
        .groupBy('project_tags.value')
        .orderBy('n', 'desc')
        .orderBy('project_tags.value')
        .limit(limit)
        .execute()
    ).map((r) => ({ value: r.value, count: Number(r.n) }))
  const [total, phase, country, region, city, theme, technology] = await Promise.all([
    filtered(db.selectFrom('projects').select(count.as('n')), actor, f).executeTakeFirstOrThrow(),
    column('phase', 'phase'),
    column('country_code', 'country'),
    f.country ? tags('place', 'region', 30) : Promise.resolve([]),
    f.country || f.cityFacet || f.outsideBaseline ? column('city_id', 'city') : Promise.resolve([]),
    tags('theme', 'theme', 40),
    tags('technology', 'technology', 40),
  ])
  return { total: Number(total.n), phase, country, region, city, theme, technology }
}

/** Every matching project, in pages of `batch` (keyset), for an export that streams. */
export async function* projectDirectoryRows(db: ProjectsDb, actor: Actor, f: ProjectDirectoryFilter, batch = 1000): AsyncGenerator<ProjectEntry> {
  let cursor: Cursor | null = null
  for (;;) {
    const rows = await projectDirectoryPage(db, actor, f, cursor, batch)
    yield* rows.slice(0, batch)
    if (rows.length <= batch) return
    const last = rows[batch - 1]!
    cursor = { at: last.name, id: last.id }
  }
}

/** How many visible projects were added each month ('2026-03'), oldest first. */
export async function projectsPerMonth(db: ProjectsDb, actor: Actor): Promise<Facet> {
  const month = sql<string>`substr(projects.created_at, 1, 7)`
  const rows = await db.selectFrom('projects').select([month.as('value'), sql<number>`count(*)`.as('n')]).where((eb) => visibleTo(actor, eb, PROJECT_ACCESS)).groupBy(month).orderBy(month).execute()
  return rows.map((r) => ({ value: r.value, count: Number(r.n) }))
}
