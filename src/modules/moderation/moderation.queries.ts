import { sql, type ExpressionBuilder, type SqlBool } from 'kysely'
import { moderatedBy, type Actor } from '../../core/access/policy.ts'
import { afterCursor, type Cursor } from '../../core/http/pagination.ts'
import type { ModerationDb, ReportsTable } from './moderation.tables.ts'

export type ReportRow = ReportsTable

const after = (c: Cursor | null) => (eb: ExpressionBuilder<any, any>) => (c ? afterCursor(eb, 'reports.created_at', 'reports.id', c) : sql<SqlBool>`1 = 1`)

export async function insertReport(db: ModerationDb, row: ReportRow): Promise<void> {
  await db.insertInto('reports').values(row).execute()
}

export async function findReport(db: ModerationDb, id: string): Promise<ReportRow | undefined> {
  return db.selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirst()
}

/** The reporter's own open report about this item, to avoid duplicates. */
export async function findOpenReportBy(db: ModerationDb, reporterId: string, subjectType: string, subjectId: string): Promise<ReportRow | undefined> {
  return db
    .selectFrom('reports')
    .selectAll()
    .where('subject_type', '=', subjectType)
    .where('subject_id', '=', subjectId)
    .where('status', '=', 'open')
    .where('reporter_id', '=', reporterId)
    .executeTakeFirst()
}

/**
 * Open reports the actor may act on, newest first (limit + 1 rows): every report for a platform admin
 * (reports are how admins reach trusted spaces), else reports in the spaces the actor moderates.
 */
export async function listOpenReports(db: ModerationDb, actor: Actor & { userId: string }, options: { cursor: Cursor | null; limit: number }): Promise<ReportRow[]> {
  let q = db.selectFrom('reports').selectAll().where('reports.status', '=', 'open').where(after(options.cursor))
  if (!actor.isAdmin) q = q.where((eb) => moderatedBy(actor, eb, 'reports.space_id'))
  return q.orderBy('reports.created_at', 'desc').orderBy('reports.id', 'desc').limit(options.limit + 1).execute()
}

/** True when the person hosts or moderates at least one space (active membership). */
export async function moderatesAnySpace(db: ModerationDb, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('space_members')
    .select('space_id')
    .where('user_id', '=', userId)
    .where('status', '=', 'active')
    .where('role', 'in', ['host', 'moderator'])
    .limit(1)
    .executeTakeFirst()
  return row !== undefined
}

/** Resolves every open report about one item; returns the reporters told about it. */
export async function resolveReportsAbout(
  db: ModerationDb,
  subjectType: string,
  subjectId: string,
  resolution: { by: string; at: string; decision: string; reason: string },
): Promise<Array<{ id: string; reporter_id: string }>> {
  const open = await db
    .selectFrom('reports')
    .select(['id', 'reporter_id'])
    .where('subject_type', '=', subjectType)
    .where('subject_id', '=', subjectId)
    .where('status', '=', 'open')
    .execute()
  if (open.length === 0) return []
  await db
    .updateTable('reports')
    .set({ status: 'resolved', resolution: resolution.decision, resolution_reason: resolution.reason, resolved_by: resolution.by, resolved_at: resolution.at })
    .where('id', 'in', open.map((r) => r.id))
    .execute()
  return open
}

