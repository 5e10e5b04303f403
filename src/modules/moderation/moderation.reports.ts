import type { Db } from '../../core/db/database.ts'
import { newId, now } from '../../core/db/ids.ts'
import { can, type Kind } from '../../core/access/can.ts'
import type { HeldState } from '../../core/access/access.tables.ts'
import { signedIn, type Actor } from '../../core/access/policy.ts'
import { untrace } from '../../core/access/reader-trace.ts'
import { spacesByIds } from '../../core/access/spaces.ts'
import type { TrustRule } from '../../core/access/trust.ts'
import { AppError, notFound } from '../../core/errors.ts'
import type { ModeratableType } from '../../core/module.ts'
import { decodeCursor, paginate } from '../../core/http/pagination.ts'
import { peopleByIds } from '../accounts/accounts.ts'
import { actionsFor, applyAction, heldState, loadTarget, type ItemAction, type ModerationRegistry, type Subject, type Target } from './moderation.ts'
import { findOpenReportBy, findReport, insertReport, listOpenReports, moderatesAnySpace, type ReportRow } from './moderation.queries.ts'

/** Reports: anyone signed in flags what they can see; those who moderate it decide. */

/** An item the actor may report (its kind's `report` rule), or 404: unknown kind, missing item and not allowed alike. */
export async function reportableTarget(db: Db, registry: ModerationRegistry, actor: Actor, kind: unknown, id: unknown): Promise<Target> {
  const target = await loadTarget(db, registry, kind, id)
  if (!(await can(db, actor, 'report', target.kind, target.subject.resource as never))) throw notFound()
  return target
}

/** Files a report about something the reporter may report. A second open report by the same person is not duplicated. */
export async function fileReport(db: Db, registry: ModerationRegistry, actor: Actor, input: { type: string; id: string; reason: string }): Promise<{ reportId: string; subject: Subject }> {
  if (!signedIn(actor)) throw new AppError('unauthorised', 401, 'Sign in to report content')
  const { subject } = await reportableTarget(db, registry, actor, input.type, input.id)
  const existing = await findOpenReportBy(db, actor.userId, input.type, input.id)
  if (existing) return { reportId: existing.id, subject }
  const id = newId()
  await insertReport(db, {
    id,
    subject_type: input.type,
    subject_id: input.id,
    space_id: subject.spaceId,
    subject_title: subject.title.slice(0, 300),
    subject_url: subject.url,
    subject_author_id: subject.authorId,
    reporter_id: actor.userId,
    reason: input.reason,
    status: 'open',
    resolution: '',
    resolution_reason: '',
    created_at: now(),
    resolved_by: null,
    resolved_at: null,
  })
  return { reportId: id, subject }
}

/** Whether the actor has a moderation queue at all (admins, and hosts/moderators of some space). */
export async function hasQueue(db: Db, traced: Actor): Promise<boolean> {
  // Hosting or moderating a space is a membership's role: the reader's standing, which a shared page's key holds (as
  // moderatedBy reads it), so not a personal read (core/access/reader-trace.ts).
  const { actor } = untrace(traced)
  if (actor.isAdmin) return true
  return signedIn(actor) && moderatesAnySpace(db, actor.userId)
}

export interface QueueItem extends ReportRow {
  reporterName: string
  spaceName: string | null
}

/** The actor's queue of open reports, newest first, with reporter and space names batch-loaded. */
export async function queue(db: Db, actor: Actor & { userId: string }, options: { after?: unknown; limit?: number } = {}): Promise<{ items: QueueItem[]; next: string | null }> {
  const limit = options.limit ?? 25
  const rows = await listOpenReports(db, actor, { cursor: decodeCursor(options.after), limit })
  const page = paginate(rows, limit, (r) => ({ at: r.created_at, id: r.id }))
  const [people, spaces] = await Promise.all([peopleByIds(db, page.items.map((r) => r.reporter_id)), spacesByIds(db, page.items.flatMap((r) => (r.space_id ? [r.space_id] : [])))])
  return {
    next: page.next,
    items: page.items.map((r) => ({ ...r, reporterName: people.get(r.reporter_id)?.name ?? 'A former member', spaceName: r.space_id ? (spaces.get(r.space_id)?.name ?? null) : null })),
  }
}

export interface ReportForModerator {
  report: ReportRow
  /** The reported item as it is now; null once it no longer exists. */
  target: Target | null
  spec: ModeratableType<any> | null
  state: HeldState | null
}

/** A report the actor may act on (the report policy; 404 otherwise), with the live item. */
export async function reportForModerator(db: Db, registry: ModerationRegistry, actor: Actor, reportId: string): Promise<ReportForModerator> {
  if (reportId.length > 100) throw notFound()
  const report = await findReport(db, reportId)
  if (!report) throw notFound()
  const spec = registry.get(report.subject_type as Kind) ?? null
  const target = spec ? await loadTarget(db, registry, report.subject_type, report.subject_id).catch(() => null) : null
  const subject = target ? { kind: target.kind, resource: target.subject.resource } : null
  if (!(await can(db, actor, 'moderate', 'report', { spaceId: report.space_id, subject }))) throw notFound()
  return { report, target, spec, state: target ? await heldState(db, target) : null }
}

export type Decision = ItemAction | 'dismiss'

/** The choices a moderator has on a report: what applies to the item as it is, or dismissing the report. */
export function decisionsFor(r: ReportForModerator): Decision[] {
  return [...(r.target ? actionsFor(r.state) : []), 'dismiss']
}

/**
 * A moderator's decision on a report: dismiss it, or act on the item (applyAction: through its module,
 * every open report about it resolved, the audit log written, the author and reporters told). One transaction.
 */
export async function decide(db: Db, registry: ModerationRegistry, actor: Actor, reportId: string, decision: Decision, reason: string, trust: TrustRule): Promise<ReportRow> {
  const found = await reportForModerator(db, registry, actor, reportId)
  const { report, target } = found
  if (report.status !== 'open') throw new AppError('invalid', 422, 'This report has already been resolved', { action: 'This report has already been resolved' })
  if (decision !== 'dismiss' && !target) throw new AppError('invalid', 422, 'The content no longer exists', { action: 'The content no longer exists: you can only dismiss this report' })
  if (!decisionsFor(found).includes(decision)) {
    const message = found.state === 'pending' ? 'This waits for approval: choose approve, reject or dismiss' : found.state === 'hidden' ? 'This is already hidden: choose restore or dismiss' : 'This is not hidden: choose hide or dismiss'
    throw new AppError('invalid', 422, message, { action: message })
  }
  // A report about an item that has gone: only the report is resolved, from its snapshot.
  const subject: Subject = target?.subject ?? { spaceId: report.space_id, authorId: report.subject_author_id, title: report.subject_title, url: report.subject_url, hiddenAt: null, resource: null }
  const spec = target?.spec ?? { label: report.subject_type, load: async () => null, setHidden: async () => {} }
  await applyAction(db, actor as Actor & { userId: string }, { kind: report.subject_type as Kind, id: report.subject_id, spec, subject }, decision, reason, { trust, via: 'report' })
  return report
}
