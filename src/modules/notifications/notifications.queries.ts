import type { NotificationsDb } from './notifications.tables.ts'
import { spaceVisible, spaceVisibleAsOf, type Actor } from '../../core/access/policy.ts'
import { readerRow } from '../../core/access/reader-facts.ts'
import { untrace } from '../../core/access/reader-trace.ts'
import { newId } from '../../core/db/ids.ts'
import { compiledOnce } from '../../core/db/compiled-once.ts'
import { afterCursor, type Cursor } from '../../core/http/pagination.ts'

export interface NotificationRow {
  id: string
  kind: string
  text: string
  url: string
  read_at: string | null
  created_at: string
}

const unreadQuery = (db: NotificationsDb, actor: Actor & { userId: string }, grantsAt?: string) =>
  db
    .selectFrom('notifications')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('notifications.user_id', '=', actor.userId)
    .where('notifications.read_at', 'is', null)
    .where((eb) => (grantsAt === undefined ? spaceVisible(actor, eb, 'notifications.space_id') : spaceVisibleAsOf(actor, eb, 'notifications.space_id', grantsAt)))
/** Every signed-in page counts them in its header: built and compiled once (for admins, their grants read as of the call). */
const unreadStatement = compiledOnce((db: NotificationsDb, userId: string) => unreadQuery(db, { userId, isAdmin: false }), 1)
const unreadStatementForAdmin = compiledOnce((db: NotificationsDb, userId: string, grantsAt: string) => unreadQuery(db, { userId, isAdmin: true }, grantsAt), 2)

/** Unread notifications the person may still see (spaces they lost access to are not counted). One indexed count. */
export async function countUnread(db: NotificationsDb, traced: Actor & { userId: string }): Promise<number> {
  const { actor } = untrace(traced)
  const statement = actor.isAdmin ? unreadStatementForAdmin(db, actor.userId!, new Date().toISOString()) : unreadStatement(db, actor.userId!)
  const row = (await db.executeQuery<{ n: number }>(statement)).rows[0]
  return Number(row?.n ?? 0)
}

/** A page of the person's notifications, newest first (fetches limit + 1 for paginate()). */
export async function listNotifications(db: NotificationsDb, actor: Actor & { userId: string }, options: { cursor: Cursor | null; limit: number }): Promise<NotificationRow[]> {
  let q = db
    .selectFrom('notifications')
    .select(['id', 'kind', 'text', 'url', 'read_at', 'created_at'])
    .where('notifications.user_id', '=', actor.userId)
    .where((eb) => spaceVisible(actor, eb, 'notifications.space_id'))
  const c = options.cursor
  if (c) q = q.where((eb) => afterCursor(eb, 'notifications.created_at', 'notifications.id', c))
  return q.orderBy('notifications.created_at', 'desc').orderBy('notifications.id', 'desc').limit(options.limit + 1).execute()
}

/**
 * Moves these people's marks (a fresh value each): call in the transaction that wrote or read their notices, so a
 * /notifications page kept for one of them is not served again (decision 0045).
 */
export async function moveMarks(db: NotificationsDb, userIds: readonly string[]): Promise<void> {
  const rows = [...new Set(userIds)].map((user_id) => ({ user_id, mark: newId() }))
  if (rows.length === 0) return
  await db
    .insertInto('notification_marks')
    .values(rows)
    .onConflict((oc) => oc.column('user_id').doUpdateSet((eb) => ({ mark: eb.ref('excluded.mark') })))
    .execute()
}

/** The reader's mark, read as their fact: a page that read it is served again only while it is the same. */
export async function readerMark(db: NotificationsDb, actor: Actor): Promise<string | null> {
  return (await readerRow(db, actor, 'notification_marks', 'user_id', {}, ['mark']))?.mark ?? null
}

/** Marks every unread notification of the person as read; returns how many changed. */
export async function markAllRead(db: NotificationsDb, userId: string, at: string): Promise<number> {
  const result = await db.updateTable('notifications').set({ read_at: at }).where('user_id', '=', userId).where('read_at', 'is', null).executeTakeFirst()
  return Number(result.numUpdatedRows ?? 0)
}
