import type { PanelProvider } from '../../core/module.ts'
import { listEntries } from './barriers.ts'
import { entryIdsOfProject } from './links.queries.ts'

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
