import { Readable } from 'node:stream'
import { stringify } from 'csv-stringify'
import type { Db } from '../../core/db/database.ts'
import type { Actor } from '../../core/access/policy.ts'
import { organisationDirectoryAll } from '../organisations/organisations.ts'
import { projectDirectoryAll } from '../projects/projects.ts'
import { partsOf, type DirectoryFilter } from './directory.ts'
import { CSV_COLUMNS, LICENCE } from './schema.ts'

type Row = Record<(typeof CSV_COLUMNS)[number], string>

/**
 * Every entry the reader may see under the filter, organisations first, as flat rows (Popolo's names where
 * they fit: an organisation's `classification`, `identifiers`; `id` is stable across renames).
 */
async function* entries(db: Db, actor: Actor, filter: DirectoryFilter, staleDays: number, baseUrl: string): AsyncGenerator<Row> {
  const parts = partsOf(filter, staleDays)
  if (parts.organisations) {
    for await (const o of organisationDirectoryAll(db, actor, parts.organisations)) {
      yield { entity: 'organization', id: o.id, name: o.name, classification: o.type, phase: '', summary: o.description.slice(0, 500), country_code: o.country_code, country: o.country, region: o.region, themes: o.themes.join('; '), technologies: '', website: o.website, identifier: o.identifier, organization_ids: '', url: `${baseUrl}/organisations/${o.slug}`, created_at: o.created_at, updated_at: o.updated_at, confirmed_at: o.confirmed_at ?? '' }
    }
  }
  if (parts.projects) {
    for await (const p of projectDirectoryAll(db, actor, parts.projects)) {
      yield { entity: 'project', id: p.id, name: p.name, classification: '', phase: p.phase, summary: p.summary, country_code: p.country_code, country: '', region: p.places.join('; '), themes: p.themes.join('; '), technologies: p.technologies.join('; '), website: '', identifier: '', organization_ids: p.organisationIds.map((l) => `${l.id}:${l.role}`).join('; '), url: `${baseUrl}/projects/${p.slug}`, created_at: p.created_at, updated_at: p.updated_at, confirmed_at: p.confirmed_at ?? '' }
    }
  }
}

/** The directory as CSV, streamed: rows are read in keyset batches, never all at once. */
export function exportCsv(db: Db, actor: Actor, filter: DirectoryFilter, staleDays: number, baseUrl: string): Readable {
  return Readable.from(entries(db, actor, filter, staleDays, baseUrl)).pipe(stringify({ header: true, columns: [...CSV_COLUMNS] }))
}

/** The directory as one JSON document ({ licence, organizations, projects }), streamed item by item. */
export function exportJson(db: Db, actor: Actor, filter: DirectoryFilter, staleDays: number, baseUrl: string): Readable {
  async function* chunks() {
    yield `{"licence":${JSON.stringify(LICENCE)},"schema":${JSON.stringify(`${baseUrl}/directory/schema`)},"organizations":[`
    let section: 'organization' | 'project' = 'organization'
    let first = true
    for await (const row of entries(db, actor, filter, staleDays, baseUrl)) {
      if (row.entity !== section) {
        section = 'project'
        first = true
        yield '],"projects":['
      }
      const item = row.entity === 'organization'
        ? { id: row.id, name: row.name, classification: row.classification, description: row.summary, identifiers: row.identifier ? [{ scheme: row.identifier.split('-').slice(0, 2).join('-'), identifier: row.identifier }] : [], country_code: row.country_code, area: row.region, themes: split(row.themes), links: row.website ? [{ url: row.website, note: 'website' }] : [], url: row.url, created_at: row.created_at, updated_at: row.updated_at, confirmed_at: row.confirmed_at || null }
        : { id: row.id, name: row.name, summary: row.summary, phase: row.phase, country_code: row.country_code, places: split(row.region), themes: split(row.themes), technologies: split(row.technologies), organizations: split(row.organization_ids).map((s) => ({ organization_id: s.split(':')[0], role: s.split(':')[1] })), url: row.url, created_at: row.created_at, updated_at: row.updated_at, confirmed_at: row.confirmed_at || null }
      yield `${first ? '' : ','}${JSON.stringify(item)}`
      first = false
    }
    yield section === 'organization' ? '],"projects":[]}' : ']}'
  }
  return Readable.from(chunks())
}

const split = (s: string) => (s ? s.split('; ') : [])
