import type { Executor } from '../../core/db/database.ts'
import { newId, now } from '../../core/db/ids.ts'

export interface NotificationInput {
  userId: string
  kind: 'reply' | 'mention' | 'join_request' | 'join_outcome' | 'invite' | 'moderation' | 'comment'
  text: string
  url: string
  spaceId: string | null
}

/**
 * Notifies people in-app. Call inside the transaction that made the change. Nobody is notified
 * about their own action (pass actorId). Reading still goes through the access policy, so a person
 * who later loses access to the space stops seeing the notification.
 */
export async function notify(db: Executor, items: NotificationInput[], actorId?: string | null): Promise<void> {
  const t = now()
  const rows = items
    .filter((i) => i.userId !== actorId)
    .map((i) => ({ id: newId(), user_id: i.userId, kind: i.kind, text: i.text.slice(0, 300), url: i.url, space_id: i.spaceId, read_at: null, created_at: t }))
  if (rows.length) await db.insertInto('notifications').values(rows).execute()
}
