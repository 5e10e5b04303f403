import type { NotificationsDb } from './notifications.tables.ts'
import { newId, now } from '../../core/db/ids.ts'
import type { Actor } from '../../core/access/policy.ts'
import { readerIs } from '../../core/access/reader-facts.ts'
import { untrace } from '../../core/access/reader-trace.ts'
import { decodeCursor, paginate } from '../../core/http/pagination.ts'
import { countUnread, listNotifications, markAllRead, moveMarks, readerMark, type NotificationRow } from './notifications.queries.ts'

export interface NotificationInput {
  userId: string
  kind: 'reply' | 'mention' | 'join_request' | 'join_outcome' | 'invite' | 'moderation' | 'comment' | 'organisation_request' | 'charter_amendment' | 'charter_version' | 'event_place' | 'event_change' | 'feed_stopped' | 'challenge' | 'project_proposal' | 'followed'
  text: string
  url: string
  spaceId: string | null
}

/**
 * Notifies people in-app. Call inside the transaction that made the change. Nobody is notified
 * about their own action (pass actorId). Reading still goes through the access policy, so a person
 * who later loses access to the space stops seeing the notification.
 */
export async function notify(db: NotificationsDb, items: NotificationInput[], actorId?: string | null): Promise<void> {
  const t = now()
  const rows = items
    .filter((i) => i.userId !== actorId)
    .map((i) => ({ id: newId(), user_id: i.userId, kind: i.kind, text: i.text.slice(0, 300), url: i.url, space_id: i.spaceId, read_at: null, created_at: t }))
  if (rows.length === 0) return
  await db.insertInto('notifications').values(rows).execute()
  await moveMarks(db, rows.map((r) => r.user_id))
}

/**
 * Notifies now, or, when the item is held for approval (`heldAt` set), keeps the notifications until a moderator
 * first lets the item through (`releaseHeldNotifications`): a reply waiting for approval tells its thread's
 * author when readers can see it, not never. Call inside the transaction that made the item.
 */
export async function notifyWhenShown(db: NotificationsDb, subject: { type: string; id: string; heldAt: string | null }, items: NotificationInput[], actorId: string): Promise<void> {
  if (!subject.heldAt) return notify(db, items, actorId)
  const t = now()
  const rows = items
    .filter((i) => i.userId !== actorId)
    .map((i) => ({ id: newId(), subject_type: subject.type, subject_id: subject.id, user_id: i.userId, kind: i.kind, text: i.text.slice(0, 300), url: i.url, space_id: i.spaceId, created_at: t }))
  if (rows.length) await db.insertInto('held_notifications').values(rows).execute()
}

/**
 * Sends what a held item kept back, once: the rows are deleted as they are read, so two moderators approving at
 * once (or an approval repeated) tell nobody twice. Call when moderation makes the item visible.
 */
export async function releaseHeldNotifications(db: NotificationsDb, type: string, id: string): Promise<void> {
  const rows = await db.deleteFrom('held_notifications').where('subject_type', '=', type).where('subject_id', '=', id).returningAll().execute()
  if (rows.length === 0) return
  const t = now()
  await db
    .insertInto('notifications')
    .values(rows.map((r) => ({ id: newId(), user_id: r.user_id, kind: r.kind, text: r.text, url: r.url, space_id: r.space_id, read_at: null, created_at: t })))
    .execute()
  await moveMarks(db, rows.map((r) => r.user_id))
}

/** The header count: unread notifications the person may still see. */
export async function unreadCount(db: NotificationsDb, actor: Actor): Promise<number> {
  if (!actor.userId) return 0
  return countUnread(db, actor as Actor & { userId: string })
}

/**
 * One page of the reader's notifications (newest first), filtered by the access policy. On a page kept for sharing
 * (core/cache/shared.ts) it is the reader's alone (readerIs: served again to them only), kept while their mark is
 * the same (every notice written or read through this module moves it) and their standing too (decision 0045).
 */
export async function notificationsPage(db: NotificationsDb, traced: Actor, options: { after?: unknown; limit?: number } = {}): Promise<{ items: NotificationRow[]; next: string | null }> {
  const { actor } = untrace(traced)
  if (!actor.userId) return { items: [], next: null }
  readerIs(traced, actor.userId)
  await readerMark(db, traced)
  const limit = options.limit ?? 25
  const rows = await listNotifications(db, actor as Actor & { userId: string }, { cursor: decodeCursor(options.after), limit })
  return paginate(rows, limit, (r) => ({ at: r.created_at, id: r.id }))
}

/** Marks all of a person's notifications as read. */
export async function markAllAsRead(db: NotificationsDb, userId: string): Promise<number> {
  const changed = await markAllRead(db, userId, now())
  if (changed > 0) await moveMarks(db, [userId])
  return changed
}
