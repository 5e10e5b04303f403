import { publiclyVisible, visibleTo, type Actor } from '../../core/access/policy.ts'
import { inWindow, shownAfterMark, type ActivityWindow, type PublishedMark } from '../../core/activity.ts'
import { afterCursor, decodeCursor, paginate } from '../../core/http/pagination.ts'
import type { ActionsDb, PracticalActionsTable } from './actions.tables.ts'

export type ActionRow = PracticalActionsTable

/** The access columns of practical actions, for `visibleTo`: site content its author may see while hidden. */
export const ACTION_ACCESS = { space: 'practical_actions.space_id', hidden: 'practical_actions.hidden_at', author: 'practical_actions.author_id' }

export async function findActionById(db: ActionsDb, id: string): Promise<ActionRow | undefined> {
  if (id.length > 64) return undefined
  return db.selectFrom('practical_actions').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function insertAction(db: ActionsDb, row: ActionRow): Promise<void> {
  await db.insertInto('practical_actions').values(row).execute()
}

export async function deleteActionRow(db: ActionsDb, id: string): Promise<void> {
  await db.deleteFrom('practical_actions').where('id', '=', id).execute()
}

export async function setActionHiddenAt(db: ActionsDb, id: string, at: string | null): Promise<void> {
  // Shown for the first time (approved after waiting): followers hear of it from now; shown before: unchanged (decision 0038).
  await db.updateTable('practical_actions').set((eb) => ({ hidden_at: at, ...(at === null ? { shown_at: eb.fn.coalesce('shown_at', eb.val(new Date().toISOString())) } : {}) })).where('id', '=', id).execute()
}

export interface ActionFilter {
  authorId?: string
  projectId?: string
  cursor?: unknown
  limit: number
}

/** A page of the practical actions the actor may see, newest first (keyset on created_at, id). */
export async function listActionRows(db: ActionsDb, actor: Actor, filter: ActionFilter): Promise<{ items: ActionRow[]; next: string | null }> {
  const cursor = decodeCursor(filter.cursor)
  let q = db.selectFrom('practical_actions').selectAll().where((eb) => visibleTo(actor, eb, ACTION_ACCESS))
  if (filter.authorId) q = q.where('practical_actions.author_id', '=', filter.authorId)
  if (filter.projectId) q = q.where('practical_actions.project_id', '=', filter.projectId)
  if (cursor) q = q.where((eb) => afterCursor(eb, 'practical_actions.created_at', 'practical_actions.id', cursor))
  const rows = await q.orderBy('practical_actions.created_at', 'desc').orderBy('practical_actions.id', 'desc').limit(filter.limit + 1).execute()
  return paginate(rows, filter.limit, (r) => ({ at: r.created_at, id: r.id }))
}

/** How many shown (not hidden) practical actions a person logged since each of the given times, in one query. */
export async function countActionsSince(db: ActionsDb, authorId: string, week: string, month: string): Promise<{ week: number; month: number }> {
  const row = await db
    .selectFrom('practical_actions')
    .select((eb) => [
      eb.fn.sum<number>(eb.case().when('created_at', '>=', week).then(1).else(0).end()).as('week'),
      eb.fn.countAll<number>().as('month'),
    ])
    .where('author_id', '=', authorId)
    .where('created_at', '>=', month)
    .where((eb) => publiclyVisible(eb, ACTION_ACCESS))
    .executeTakeFirst()
  return { week: Number(row?.week ?? 0), month: Number(row?.month ?? 0) }
}

/**
 * Practical actions the actor may see by any of these people or naming any of these projects, in a window of the
 * activity timeline, newest first (one query per kind of subject, each along its own index, then merged).
 */
export async function actionActivityRows(db: ActionsDb, actor: Actor, about: { people: string[]; projects: string[] }, window: ActivityWindow): Promise<ActionRow[]> {
  const at = new Date().toISOString()
  const base = () =>
    db
      .selectFrom('practical_actions')
      .selectAll()
      .where('practical_actions.hidden_at', 'is', null)
      .where((eb) => visibleTo(actor, eb, ACTION_ACCESS))
      .where((eb) => inWindow(eb, 'action', 'practical_actions.shown_at', 'practical_actions.id', window, at))
      .orderBy('practical_actions.shown_at', 'desc')
      .orderBy('practical_actions.id', 'desc')
      .limit(window.limit)
  const branches = await Promise.all([
    about.people.length ? base().where('practical_actions.author_id', 'in', about.people).execute() : [],
    about.projects.length ? base().where('practical_actions.project_id', 'in', about.projects).execute() : [],
  ])
  const merged = new Map(branches.flat().map((r) => [r.id, r]))
  return [...merged.values()].sort((a, b) => (a.shown_at === b.shown_at ? (a.id < b.id ? 1 : -1) : a.shown_at! < b.shown_at! ? 1 : -1)).slice(0, window.limit)
}

/** Every practical action shown (not hidden) after the fan-out's mark `since` up to `until`, oldest first: the follows module's fan-out. */
export async function actionsPublishedBetween(db: ActionsDb, since: PublishedMark, until: string, limit: number): Promise<ActionRow[]> {
  return db
    .selectFrom('practical_actions')
    .selectAll()
    .$call((q) => shownAfterMark(q, 'shown_at', since, until, limit))
    .execute()
}
