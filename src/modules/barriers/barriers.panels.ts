import type { PanelProvider } from '../../core/module.ts'
import { listEntries } from './barriers.ts'
import { charterSections } from '../charters/charters.ts'
import { entryIdsOfProject, linksToSections } from './links.queries.ts'

/** The front page's "Barriers and solutions": the barriers changed last, and how many solutions the wiki holds. */
export const homePanel: PanelProvider = async (request) => {
  const db = request.server.db
  const [barriers, solutions] = await Promise.all([
    listEntries(db, request.actor, { kind: 'barrier', cursor: null, limit: 4 }),
    listEntries(db, request.actor, { kind: 'solution', cursor: null, limit: 3 }),
  ])
  return request.server.views.render('barriers/_home.njk', { barriers: barriers.items, solutions: solutions.items })
}

/** On a project's page: the solutions its team says it used (only those the reader may see). */
export const projectPanel: PanelProvider = async (request, { id }) => {
  const db = request.server.db
  const ids = await entryIdsOfProject(db, id)
  if (ids.length === 0) return ''
  const { items } = await listEntries(db, request.actor, { kind: 'solution', ids, cursor: null, limit: 50 })
  return items.length ? request.server.views.render('barriers/_project_panel.njk', { items }) : ''
}

/** On a charter's page: the barriers the wiki says stand in the way of its sections (those the reader may see). */
export const charterPanel: PanelProvider = async (request, { slug }) => {
  const db = request.server.db
  const charter = await charterSections(db, request.actor, slug)
  if (!charter) return ''
  const links = await linksToSections(db, charter.sections.map((s) => s.id))
  if (links.length === 0) return ''
  const { items } = await listEntries(db, request.actor, { kind: 'barrier', ids: [...new Set(links.map((l) => l.entry_id))], cursor: null, limit: 50 })
  if (items.length === 0) return ''
  const numbers = new Map(charter.sections.map((s) => [s.id, s.number]))
  const sectionsOf = (id: string) => links.filter((l) => l.entry_id === id).map((l) => numbers.get(l.section_id)!).sort((a, b) => a - b)
  return request.server.views.render('barriers/_charter_panel.njk', { items: items.map((e) => ({ ...e, sections: sectionsOf(e.id) })) })
}
