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

/**
 * A person's mark, a fresh value whenever a notice is written to them or their notices are read: what /notifications
 * shows them changes only with it (or with their standing), so the page is kept until it moves (decision 0045).
 */
export interface NotificationMarksTable {
  user_id: string
  mark: string
}

export interface NotificationsTables {
  notifications: NotificationsTable
  held_notifications: HeldNotificationsTable
  notification_marks: NotificationMarksTable
}

/** The executor the notifications module works through: its own tables only. */
export type NotificationsDb = Executor<NotificationsTables>
