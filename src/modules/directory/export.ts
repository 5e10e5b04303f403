import { Readable } from 'node:stream'
import { stringify } from 'csv-stringify'
import type { Db } from '../../core/db/database.ts'
import type { Actor } from '../../core/access/policy.ts'
import { listedPeopleBatches } from '../accounts/accounts.ts'
import { cityById, membershipsOfPeople, organisationDirectoryAll } from '../organisations/organisations.ts'
import { projectDirectoryAll, teamRolesOfPeople } from '../projects/projects.ts'
import { partsOf, type DirectoryFilter } from './directory.ts'
import { CSV_COLUMNS, LICENCE } from './schema.ts'

type Row = Record<(typeof CSV_COLUMNS)[number], string>
type Entity = 'organization' | 'project' | 'person'
interface Source {
  db: Db
  actor: Actor
  filter: DirectoryFilter
  staleDays: number
  baseUrl: string
}

/** The city columns of an entry (GeoNames id, name, coordinates), empty without one. */
function cityColumns(id: string): Pick<Row, 'city_geonames_id' | 'city' | 'latitude' | 'longitude'> {
  const city = id ? cityById(id) : null
  return city ? { city_geonames_id: String(city.id), city: city.name, latitude: String(city.lat), longitude: String(city.lon) } : { city_geonames_id: '', city: '', latitude: '', longitude: '' }
}
const cityJson = (row: Row) => (row.city_geonames_id ? { geonames_id: Number(row.city_geonames_id), name: row.city, latitude: Number(row.latitude), longitude: Number(row.longitude) } : null)

const EMPTY: Row = Object.fromEntries(CSV_COLUMNS.map((c) => [c, ''])) as Row
const joinIds = (links: Array<{ id: string; role: string }>) => links.map((l) => `${l.id}:${l.role}`).join('; ')
const split = (s: string) => (s ? s.split('; ') : [])
const links = (s: string) => split(s).map((pair) => ({ id: pair.slice(0, pair.lastIndexOf(':')), role: pair.slice(pair.lastIndexOf(':') + 1) }))

/** People belong to the whole directory only: a filtered export (a theme, a country…) is about organisations and projects. */
const wholeDirectory = (f: DirectoryFilter) => f.kind === 'all' && !f.q && !f.theme && !f.technology && !f.country && !f.region && !f.city && !f.phase && !f.type && !f.stale

/**
 * Every entry the reader may see under the filter, organisations, then projects, then (for the whole directory)
 * the people who chose to be listed, with their memberships of organisations and project teams the reader may
 * see, as flat rows (Popolo's names where they fit: `classification`, `identifiers`; `id` is stable across renames).
 */
async function* entries({ db, actor, filter, staleDays, baseUrl }: Source): AsyncGenerator<Row & { entity: Entity }> {
  const parts = partsOf(filter, staleDays)
  if (parts.organisations) {
    for await (const o of organisationDirectoryAll(db, actor, parts.organisations)) {
      yield { ...EMPTY, entity: 'organization', id: o.id, name: o.name, classification: o.type, summary: o.description.slice(0, 500), country_code: o.country_code, country: o.country, region: o.region, ...cityColumns(o.city_id), themes: o.themes.join('; '), website: o.website, identifier: o.identifier, url: `${baseUrl}/organisations/${o.slug}`, created_at: o.created_at, updated_at: o.updated_at, confirmed_at: o.confirmed_at ?? '' }
    }
  }
  if (parts.projects) {
    for await (const p of projectDirectoryAll(db, actor, parts.projects)) {
      yield { ...EMPTY, entity: 'project', id: p.id, name: p.name, phase: p.phase, summary: p.summary, country_code: p.country_code, region: p.places.join('; '), ...cityColumns(p.city_id), themes: p.themes.join('; '), technologies: p.technologies.join('; '), organization_ids: joinIds(p.organisationIds), url: `${baseUrl}/projects/${p.slug}`, created_at: p.created_at, updated_at: p.updated_at, confirmed_at: p.confirmed_at ?? '' }
    }
  }
  if (!wholeDirectory(filter)) return
  for await (const people of listedPeopleBatches(db)) {
    const ids = people.map((p) => p.id)
    const [organisations, teams] = await Promise.all([membershipsOfPeople(db, actor, ids), teamRolesOfPeople(db, actor, ids)])
    for (const p of people) {
      const memberOf = (organisations.get(p.id) ?? []).map((m) => ({ id: m.organisationId, role: m.role }))
      const onTeams = (teams.get(p.id) ?? []).map((m) => ({ id: m.projectId, role: m.role }))
      yield { ...EMPTY, entity: 'person', id: p.id, name: p.name, summary: p.role, organization_ids: joinIds(memberOf), project_ids: joinIds(onTeams), url: `${baseUrl}/people/${p.handle}`, created_at: p.createdAt, updated_at: p.updatedAt }
    }
  }
}

/** The directory as CSV, streamed: rows are read in keyset batches, never all at once. */
export function exportCsv(db: Db, actor: Actor, filter: DirectoryFilter, staleDays: number, baseUrl: string): Readable {
  return Readable.from(entries({ db, actor, filter, staleDays, baseUrl })).pipe(stringify({ header: true, columns: [...CSV_COLUMNS] }))
}

/** One row as the JSON export's item (Popolo's organization, a project, Popolo's person with its memberships). */
function jsonItem(row: Row & { entity: Entity }): object {
  const dates = { created_at: row.created_at, updated_at: row.updated_at }
  switch (row.entity) {
    case 'organization':
      return { id: row.id, name: row.name, classification: row.classification, description: row.summary, identifiers: row.identifier ? [{ scheme: row.identifier.split('-').slice(0, 2).join('-'), identifier: row.identifier }] : [], country_code: row.country_code, area: row.region, city: cityJson(row), themes: split(row.themes), links: row.website ? [{ url: row.website, note: 'website' }] : [], url: row.url, ...dates, confirmed_at: row.confirmed_at || null }
    case 'project':
      return { id: row.id, name: row.name, summary: row.summary, phase: row.phase, country_code: row.country_code, places: split(row.region), city: cityJson(row), themes: split(row.themes), technologies: split(row.technologies), organizations: links(row.organization_ids).map((l) => ({ organization_id: l.id, role: l.role })), url: row.url, ...dates, confirmed_at: row.confirmed_at || null }
    case 'person':
      return { id: row.id, name: row.name, summary: row.summary, url: row.url, memberships: [...links(row.organization_ids).map((l) => ({ organization_id: l.id, role: l.role })), ...links(row.project_ids).map((l) => ({ project_id: l.id, role: l.role }))], ...dates }
  }
}

const SECTIONS: Record<Entity, string> = { organization: 'organizations', project: 'projects', person: 'persons' }

/** The directory as one JSON document ({ licence, schema, organizations, projects, persons }), streamed item by item. */
export function exportJson(db: Db, actor: Actor, filter: DirectoryFilter, staleDays: number, baseUrl: string): Readable {
  async function* chunks() {
    yield `{"licence":${JSON.stringify(LICENCE)},"schema":${JSON.stringify(`${baseUrl}/directory/schema`)}`
    const open = new Set<Entity>()
    let current: Entity | null = null
    for await (const row of entries({ db, actor, filter, staleDays, baseUrl })) {
      if (row.entity !== current) {
        yield `${current ? ']' : ''},"${SECTIONS[row.entity]}":[`
        open.add(row.entity)
        current = row.entity
        yield JSON.stringify(jsonItem(row))
      } else yield `,${JSON.stringify(jsonItem(row))}`
    }
    if (current) yield ']'
    // Sections with nothing in them are still there, empty, so a reader need not test for them.
    for (const entity of ['organization', 'project', 'person'] as const) if (!open.has(entity) && (entity !== 'person' || wholeDirectory(filter))) yield `,"${SECTIONS[entity]}":[]`
    yield '}'
  }
  return Readable.from(chunks())
}
