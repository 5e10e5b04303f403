import type { Executor } from '../../core/db/database.ts'

/** In-app notifications: one row per person per event. */
export interface NotificationsTable {
  id: string
  user_id: string
  /** e.g. 'reply', 'mention', 'join_request', 'join_outcome', 'moderation', 'comment' */
  kind: string
  /** Plain text shown in the list. */
  text: string
  /** Path of the thing it is about. */
  url: string
  /** The space the thing belongs to, so the access policy can still filter what is shown. */
  space_id: string | null
  read_at: string | null
  created_at: string
}

/** Notifications an item held for approval would have sent: sent when a moderator first lets it through. */
export interface HeldNotificationsTable {
  id: string
  /** The held item, as the moderation registry names it ('reply', 'comment', …). */
  subject_type: string
  subject_id: string
  user_id: string
  kind: string
  text: string
  url: string
  space_id: string | null
  created_at: string
}

export interface NotificationsTables {
  notifications: NotificationsTable
  held_notifications: HeldNotificationsTable
}

/** The executor the notifications module works through: its own tables only. */
export type NotificationsDb = Executor<NotificationsTables>
