import type { CoreDb } from './core.tables.ts'
import { newId, now } from './db/ids.ts'
import type { AuditLogTable } from './access/access.tables.ts'
import { afterCursor, type Cursor } from './http/pagination.ts'

export interface AuditEntry {
  actorId: string | null
  action: string
  subjectType: string
  subjectId: string
  spaceId?: string | null
  reason?: string
  /**
   * What the subject is called and its page, as they are now: stored with the entry so the log reads as
   * titles and links even after the subject is renamed or deleted (and is shown in one query).
   */
  subjectTitle?: string
  subjectUrl?: string
}

/** Records a moderation or admin action: who, what, on what, why. */
export async function audit(db: CoreDb, entry: AuditEntry): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      id: newId(),
      actor_id: entry.actorId,
      action: entry.action,
      subject_type: entry.subjectType,
      subject_id: entry.subjectId,
      space_id: entry.spaceId ?? null,
      reason: entry.reason ?? '',
      subject_title: (entry.subjectTitle ?? '').slice(0, 300),
      subject_url: entry.subjectUrl ?? '',
      created_at: now(),
    })
    .execute()
}

/** One audit log entry, as stored. */
export type AuditRow = AuditLogTable

/** The audit log, newest first (limit + 1 rows, keyset on created_at, id). Callers check the reader is a platform admin. */
export async function listAudit(db: CoreDb, options: { cursor: Cursor | null; limit: number }): Promise<AuditRow[]> {
  let q = db.selectFrom('audit_log').selectAll()
  const c = options.cursor
  if (c) q = q.where((eb) => afterCursor(eb, 'audit_log.created_at', 'audit_log.id', c))
  return q.orderBy('audit_log.created_at', 'desc').orderBy('audit_log.id', 'desc').limit(options.limit + 1).execute()
}
