import { idsOf, type ActivityItem, type ActivitySource } from '../../core/activity.ts'
import { peopleByIds } from '../accounts/accounts.ts'
import { projectsByIds } from '../projects/projects.ts'
import { actionActivityRows, actionsPublishedBetween } from './actions.queries.ts'

/** Rounds of reading before a window gives up filling itself past actions on projects the reader may not see. */
const ROUNDS = 5

/**
 * Practical actions of followed people and naming followed projects. An action naming a project the reader may
 * not see (a private community's) is left out altogether, even when it reached them by its author: its one line
 * is about work they may not know of.
 */
export const actionActivity: ActivitySource = {
  label: 'Practical actions',
  async list(db, actor, subjects, window) {
    const about = { people: idsOf(subjects, 'person'), projects: idsOf(subjects, 'project') }
    if (!about.people.length && !about.projects.length) return []
    const out: ActivityItem[] = []
    let before = window.before
    for (let round = 0; round < ROUNDS && out.length < window.limit; round++) {
      const rows = await actionActivityRows(db, actor, about, { ...window, before })
      const [projects, people] = await Promise.all([projectsByIds(db, actor, rows.flatMap((r) => (r.project_id ? [r.project_id] : []))), peopleByIds(db, rows.map((r) => r.author_id))])
      for (const r of rows) {
        if (r.project_id && !projects.has(r.project_id)) continue
        const project = r.project_id ? projects.get(r.project_id) : undefined
        const author = people.get(r.author_id)?.name
        out.push({
          type: 'action',
          id: r.id,
          title: r.text,
          url: '/actions',
          summary: `A practical action${author ? ` by ${author}` : ''}${project ? ` on ${project.name}` : ''}`,
          byline: author,
          at: r.shown_at!,
          subjects: [...(about.people.includes(r.author_id) ? [{ kind: 'person', id: r.author_id }] : []), ...(r.project_id && about.projects.includes(r.project_id) ? [{ kind: 'project', id: r.project_id }] : [])],
        })
      }
      const last = rows[rows.length - 1]
      if (!last || rows.length < window.limit) break
      before = { at: last.shown_at!, id: `action:${last.id}` }
    }
    return out.slice(0, window.limit)
  },
  async published(db, since, until, limit) {
    const rows = await actionsPublishedBetween(db, since, until, limit)
    return rows.map((r) => ({ id: r.id, at: r.shown_at!, actors: [r.author_id], spaceId: r.space_id, subjects: [{ kind: 'person', id: r.author_id }, ...(r.project_id ? [{ kind: 'project', id: r.project_id }] : [])] }))
  },
}
