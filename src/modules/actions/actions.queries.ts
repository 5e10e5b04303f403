import { publiclyVisible, visibleTo, type Actor } from '../../core/access/policy.ts'
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
  await db.updateTable('practical_actions').set({ hidden_at: at }).where('id', '=', id).execute()
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
