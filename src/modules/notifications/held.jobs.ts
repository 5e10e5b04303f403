import { defineJob } from '../../core/jobs/jobs.ts'
import type { NotificationsDb } from './notifications.tables.ts'

/**
 * How long a held item's notices wait for its approval. Moderators decide within days; an item still held after a
 * month was deleted by its author (nothing releases its notices then: this module does not own the items' tables) or
 * forgotten, and telling its thread's author of it a month late would be noise.
 */
export const HELD_NOTICE_DAYS = 30

/** Drops held notices older than HELD_NOTICE_DAYS; answers how many. The table holds only what waits for approval: few rows. */
export async function dropStaleHeldNotifications(db: NotificationsDb, at = new Date()): Promise<number> {
  const before = new Date(at.getTime() - HELD_NOTICE_DAYS * 86_400_000).toISOString()
  const dropped = await db.deleteFrom('held_notifications').where('created_at', '<', before).executeTakeFirst()
  return Number(dropped.numDeletedRows)
}

export const dropStaleHeld = defineJob<Record<string, never>>({
  name: 'notifications.drop-stale-held',
  cron: '23 4 * * *',
  retry: { limit: 2, delaySeconds: 300, backoff: true },
  async run(_payload, { app }) {
    await dropStaleHeldNotifications(app.db)
  },
})
