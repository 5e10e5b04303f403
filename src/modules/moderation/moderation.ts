import type { Db } from '../../core/db/database.ts'
import { newId, now } from '../../core/db/ids.ts'
import { can } from '../../core/access/can.ts'
import { signedIn, type Actor } from '../../core/access/policy.ts'
import { spacesByIds } from '../../core/access/spaces.ts'
import { audit, listAudit } from '../../core/audit.ts'
import { AppError, notFound } from '../../core/errors.ts'
import type { AppModule, ModeratableType, ModerationFacts } from '../../core/module.ts'
import { decodeCursor, paginate } from '../../core/http/pagination.ts'
import { notify } from '../notifications/notifications.ts'
import { peopleByIds } from '../accounts/accounts.ts'
import type { Decision } from './moderation.schemas.ts'
import {
  findOpenReportBy,
  findReport,
  insertReport,
  listOpenReports,
  moderatesAnySpace,
  resolveReportsAbout,
  type ReportRow,
} from './moderation.queries.ts'

/** Every reportable content type, from the modules' `moderation` registries (first module wins a name). */
export type ModerationRegistry = Map<string, ModeratableType>

export function moderationRegistry(modules: AppModule[]): ModerationRegistry {
  const registry: ModerationRegistry = new Map()
  for (const m of modules) for (const [type, spec] of Object.entries(m.moderation ?? {})) if (!registry.has(type)) registry.set(type, spec)
  return registry
}

export type Subject = NonNullable<Awaited<ReturnType<ModeratableType['load']>>>

/** Loads an item the actor may see, or throws 404 (unknown type, missing item or not visible alike). */
export async function loadVisibleSubject(db: Db, registry: ModerationRegistry, actor: Actor, type: unknown, id: unknown): Promise<{ spec: ModeratableType; subject: Subject }> {
  if (typeof type !== 'string' || typeof id !== 'string' || id.length === 0 || id.length > 100) throw notFound()
  const spec = registry.get(type)
  if (!spec) throw notFound()
  const subject = await spec.load(db, id)
  if (!subject) throw notFound()
  const facts = (s: ModerationFacts) => ({ spaceId: s.spaceId, visibleFrom: s.visibleFrom, authorIds: s.authorId ? [s.authorId] : [], hiddenAt: s.hiddenAt })
  // A reply of a hidden thread (a comment on a hidden post) is out of reach with it: its title names it.
  const visible = (await can(db, actor, 'view', 'content', facts(subject))) && (!subject.within || (await can(db, actor, 'view', 'content', facts(subject.within))))
  if (!visible) throw notFound()
  return { spec, subject }
}

/** Files a report about something the reporter can see. A second open report by the same person is not duplicated. */
export async function fileReport(db: Db, registry: ModerationRegistry, actor: Actor, input: { type: string; id: string; reason: string }): Promise<{ reportId: string; subject: Subject }> {
  if (!signedIn(actor)) throw new AppError('unauthorised', 401, 'Sign in to report content')
  const { subject } = await loadVisibleSubject(db, registry, actor, input.type, input.id)
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

/**
 * True when the actor may act on reports about content in this space: its hosts and moderators;
 * platform admins for every space (a report is how an admin reaches a trusted space's content, one item at a time).
 */
export async function canModerateSpace(db: Db, actor: Actor, spaceId: string | null): Promise<boolean> {
  if (actor.isAdmin) return true
  if (!signedIn(actor) || spaceId === null) return false
  return can(db, actor, 'moderate', 'space', { id: spaceId })
}

/** Whether the actor has a moderation queue at all (admins, and hosts/moderators of some space). */
export async function hasQueue(db: Db, actor: Actor): Promise<boolean> {
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

/** A report the actor may act on (404 otherwise), with the live item (null when it no longer exists). */
export async function reportForModerator(db: Db, registry: ModerationRegistry, actor: Actor, reportId: string): Promise<{ report: ReportRow; subject: Subject | null; spec: ModeratableType | null }> {
  if (reportId.length > 100) throw notFound()
  const report = await findReport(db, reportId)
  if (!report || !(await canModerateSpace(db, actor, report.space_id))) throw notFound()
  const spec = registry.get(report.subject_type) ?? null
  const subject = spec ? await spec.load(db, report.subject_id) : null
  // Content moved to another space since it was reported: the moderator must moderate that one too.
  if (subject && subject.spaceId !== report.space_id && !(await canModerateSpace(db, actor, subject.spaceId))) throw notFound()
  return { report, subject, spec }
}

const PAST: Record<Decision, string> = { hide: 'hidden', restore: 'restored', dismiss: 'reviewed and left as it is' }

/**
 * A moderator's decision: hide or restore the item through its module, resolve every open report
 * about it, write the audit log, and tell the author (hide/restore) and the reporters. One transaction.
 */
export async function decide(db: Db, registry: ModerationRegistry, actor: Actor, reportId: string, decision: Decision, reason: string): Promise<ReportRow> {
  const { report, subject, spec } = await reportForModerator(db, registry, actor, reportId)
  if (report.status !== 'open') throw new AppError('invalid', 422, 'This report has already been resolved', { action: 'This report has already been resolved' })
  if (decision !== 'dismiss') {
    if (!subject || !spec) throw new AppError('invalid', 422, 'The content no longer exists', { action: 'The content no longer exists: you can only dismiss this report' })
    if (decision === 'hide' && subject.hiddenAt) throw new AppError('invalid', 422, 'Already hidden', { action: 'This is already hidden: choose restore or dismiss' })
    if (decision === 'restore' && !subject.hiddenAt) throw new AppError('invalid', 422, 'Not hidden', { action: 'This is not hidden: choose hide or dismiss' })
    await spec.setHidden(db, report.subject_id, decision === 'hide')
  }
  const at = now()
  const actorId = actor.userId
  const resolved = await resolveReportsAbout(db, report.subject_type, report.subject_id, { by: actorId ?? '', at, decision, reason })
  const spaceId = subject?.spaceId ?? report.space_id
  await audit(db, { actorId, action: `report.${decision}`, subjectType: report.subject_type, subjectId: report.subject_id, spaceId, reason })
  const label = spec?.label ?? report.subject_type
  const title = subject?.title ?? report.subject_title
  const url = subject?.url ?? report.subject_url
  const notes: Parameters<typeof notify>[1] = []
  const authorId = subject?.authorId ?? report.subject_author_id
  if (decision !== 'dismiss' && authorId) notes.push({ userId: authorId, kind: 'moderation', text: `Your ${label} “${title}” was ${PAST[decision]} by a moderator: ${reason}`, url, spaceId })
  for (const reporter of new Set(resolved.map((r) => r.reporter_id))) {
    if (reporter !== authorId) notes.push({ userId: reporter, kind: 'moderation', text: `The ${label} “${title}” you reported was ${PAST[decision]}`, url, spaceId })
  }
  await notify(db, notes, actorId)
  return report
}

/** The audit log for platform admins (404 for everyone else), newest first, with names batch-loaded. */
export async function auditPage(db: Db, actor: Actor, options: { after?: unknown; limit?: number } = {}) {
  if (!actor.isAdmin) throw notFound()
  const limit = options.limit ?? 50
  const rows = await listAudit(db, { cursor: decodeCursor(options.after), limit })
  const page = paginate(rows, limit, (r) => ({ at: r.created_at, id: r.id }))
  const [people, spaces] = await Promise.all([peopleByIds(db, page.items.flatMap((r) => (r.actor_id ? [r.actor_id] : []))), spacesByIds(db, page.items.flatMap((r) => (r.space_id ? [r.space_id] : [])))])
  return {
    next: page.next,
    items: page.items.map((r) => ({ ...r, actorName: r.actor_id ? (people.get(r.actor_id)?.name ?? 'A former member') : 'System', space: r.space_id ? (spaces.get(r.space_id) ?? null) : null })),
  }
}
