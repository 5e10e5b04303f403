import type { Executor } from './db/database.ts'
import { newId, now } from './db/ids.ts'

/** Records a moderation or admin action: who, what, on what, why. */
export async function audit(db: Executor, entry: { actorId: string | null; action: string; subjectType: string; subjectId: string; spaceId?: string | null; reason?: string }): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({ id: newId(), actor_id: entry.actorId, action: entry.action, subject_type: entry.subjectType, subject_id: entry.subjectId, space_id: entry.spaceId ?? null, reason: entry.reason ?? '', created_at: now() })
    .execute()
}
