import type { Db } from '../../core/db/database.ts'
import { can, type Kind } from '../../core/access/can.ts'
import { heldStateOf, listHeld, recordHeld } from '../../core/access/held.ts'
import type { HeldState } from '../../core/access/access.tables.ts'
import { signedIn, type Actor } from '../../core/access/policy.ts'
import { spacesByIds } from '../../core/access/spaces.ts'
import { trustAfterApprovals, type TrustRule } from '../../core/access/trust.ts'
import { audit } from '../../core/audit.ts'
import { AppError, notFound } from '../../core/errors.ts'
import type { AppModule, ModeratableType, ModerationSubject } from '../../core/module.ts'
import { decodeCursor, paginate } from '../../core/http/pagination.ts'
import { notify, releaseHeldNotifications, type NotificationInput } from '../notifications/notifications.ts'
import { peopleByIds } from '../accounts/accounts.ts'
import { resolveReportsAbout } from './moderation.queries.ts'

/**
 * Moderation of one item, whatever kind it is: the registry of kinds (each module's manifest
 * `moderation`), loading an item, and the one use case that hides, restores, approves or rejects it —
 * from a report (moderation.reports.ts) or straight from the item or the queue's lists.
 */

/** Every kind of content people can report and moderators act on, from the modules' registries (first module wins a name). */
export type ModerationRegistry = Map<Kind, ModeratableType<any>>

export function moderationRegistry(modules: AppModule[]): ModerationRegistry {
  const registry: ModerationRegistry = new Map()
  for (const m of modules) for (const [kind, spec] of Object.entries(m.moderation ?? {})) if (spec && !registry.has(kind as Kind)) registry.set(kind as Kind, spec)
  return registry
}

export type Subject = ModerationSubject<any>

/** An item of a registered kind, in whatever state. */
export interface Target {
  kind: Kind
  id: string
  spec: ModeratableType<any>
  subject: Subject
}

/** Loads an item by kind and id, or throws 404 (unknown kind, bad id and missing item alike). */
export async function loadTarget(db: Db, registry: ModerationRegistry, kind: unknown, id: unknown): Promise<Target> {
  if (typeof kind !== 'string' || typeof id !== 'string' || id.length === 0 || id.length > 100) throw notFound()
  const spec = registry.get(kind as Kind)
  if (!spec) throw notFound()
  const subject = await spec.load(db, id)
  if (!subject) throw notFound()
  return { kind: kind as Kind, id, spec, subject }
}

/** May the actor hide, restore, approve or reject this item? The kind's own `moderate` rule. */
export function mayModerate(db: Db, actor: Actor, target: Target): Promise<boolean> {
  return can(db, actor, 'moderate', target.kind, target.subject.resource as never)
}

/** An item the actor may act on, or 404. */
export async function moderatableTarget(db: Db, registry: ModerationRegistry, actor: Actor, kind: unknown, id: unknown): Promise<Target> {
  const target = await loadTarget(db, registry, kind, id)
  if (!signedIn(actor) || !(await mayModerate(db, actor, target))) throw notFound()
  return target
}

export const ITEM_ACTIONS = ['hide', 'restore', 'approve', 'reject'] as const
export type ItemAction = (typeof ITEM_ACTIONS)[number]

/** Why the item is held back now (waiting for approval, hidden), from the record and its own hidden time. */
export async function heldState(db: Db, target: Target): Promise<HeldState | null> {
  const state = await heldStateOf(db, target.kind, target.id)
  if (state === 'pending' && target.subject.hiddenAt) return 'pending'
  // Hidden before moderation kept records, or restored outside it: the item's own hidden time decides.
  return target.subject.hiddenAt ? 'hidden' : state === 'approved' ? 'approved' : null
}

/** What a moderator may do to an item as it is: approve or reject what waits; restore what is hidden; hide what is visible. */
export function actionsFor(state: HeldState | null): ItemAction[] {
  if (state === 'pending') return ['approve', 'reject']
  if (state === 'hidden') return ['restore']
  return ['hide']
}

const PAST: Record<ItemAction | 'dismiss', string> = { hide: 'hidden', restore: 'restored', approve: 'approved', reject: 'not approved', dismiss: 'reviewed and left as it is' }

/**
 * The one way moderation changes an item: hides, restores, approves or rejects it through its module
 * (`setHidden`), records why it is held (core/access/held.ts), resolves every open report about it,
 * writes the audit log (with the item's title and link) and tells the author and the reporters.
 * The caller has checked the actor may (the item's `moderate` rule, or the report's). One transaction.
 */
export async function applyAction(
  db: Db,
  actor: Actor & { userId: string },
  target: Target,
  action: ItemAction | 'dismiss',
  reason: string,
  options: { trust: TrustRule; via: 'report' | 'content' },
): Promise<void> {
  const { kind, id, spec, subject } = target
  if (action !== 'dismiss') {
    const state = await heldState(db, target)
    if (!actionsFor(state).includes(action)) throw invalidAction(state)
    if (action === 'hide') await spec.setHidden(db, id, true)
    if (action === 'restore' || action === 'approve') {
      await spec.setHidden(db, id, false)
      // Readers see it now: what its creation would have told people (a reply's thread author…) is sent once.
      await releaseHeldNotifications(db, kind, id)
    }
    const held = action === 'hide' || action === 'reject' ? 'hidden' : 'approved'
    await recordHeld(db, { type: kind, id, spaceId: subject.spaceId, authorId: subject.authorId, title: subject.title, url: subject.url, state: held, reason, decidedBy: actor.userId })
    if (action === 'approve' && subject.authorId) await trustAfterApprovals(db, subject.authorId, options.trust)
  }
  const resolved = await resolveReportsAbout(db, kind, id, { by: actor.userId, at: new Date().toISOString(), decision: action, reason })
  await audit(db, { actorId: actor.userId, action: `${options.via}.${action}`, subjectType: kind, subjectId: id, spaceId: subject.spaceId, reason, subjectTitle: subject.title, subjectUrl: subject.url })
  const notes: NotificationInput[] = []
  const label = spec.label
  const authorId = subject.authorId
  // A person's "author" is the person: tell them about their own profile in the second person.
  const yours = kind === 'person' ? 'Your profile' : `Your ${label} “${subject.title}”`
  if (authorId && action === 'approve') notes.push({ userId: authorId, kind: 'moderation', text: `${yours} was approved by a moderator and is now published`, url: subject.url, spaceId: subject.spaceId })
  else if (authorId && action !== 'dismiss') notes.push({ userId: authorId, kind: 'moderation', text: `${yours} was ${PAST[action]} by a moderator: ${reason}`, url: subject.url, spaceId: subject.spaceId })
  for (const reporter of new Set(resolved.map((r) => r.reporter_id))) {
    if (reporter !== authorId) notes.push({ userId: reporter, kind: 'moderation', text: `The ${label} “${subject.title}” you reported was ${PAST[action]}`, url: subject.url, spaceId: subject.spaceId })
  }
  await notify(db, notes, actor.userId)
}

function invalidAction(state: HeldState | null): AppError {
  const message =
    state === 'pending' ? 'This waits for approval: choose approve or reject' : state === 'hidden' ? 'This is already hidden: you can restore it' : 'This is not hidden: you can hide it'
  return new AppError('invalid', 422, message, { action: message })
}

/** Hides, restores, approves or rejects an item without a report (from the item or the queue's lists). 404 unless the actor moderates it. */
export async function moderateItem(db: Db, registry: ModerationRegistry, actor: Actor, input: { type: string; id: string; action: ItemAction; reason: string }, trust: TrustRule): Promise<Target> {
  const target = await moderatableTarget(db, registry, actor, input.type, input.id)
  await applyAction(db, actor as Actor & { userId: string }, target, input.action, input.reason, { trust, via: 'content' })
  return target
}

export interface HeldItem {
  type: string
  id: string
  label: string
  title: string
  url: string
  reason: string
  updatedAt: string
  authorName: string | null
  spaceName: string | null
}

/** One page of what waits for approval, or what is hidden, among the items the actor moderates; names batch-loaded. */
export async function heldPage(db: Db, registry: ModerationRegistry, actor: Actor, state: 'pending' | 'hidden', options: { after?: unknown; limit?: number } = {}): Promise<{ items: HeldItem[]; next: string | null }> {
  const limit = options.limit ?? 25
  const rows = await listHeld(db, actor, state, { cursor: decodeCursor(options.after), limit })
  const page = paginate(rows, limit, (r) => ({ at: r.updated_at, id: r.subject_id }))
  const [people, spaces] = await Promise.all([peopleByIds(db, page.items.flatMap((r) => (r.author_id ? [r.author_id] : []))), spacesByIds(db, page.items.flatMap((r) => (r.space_id ? [r.space_id] : [])))])
  return {
    next: page.next,
    items: page.items.map((r) => ({
      type: r.subject_type,
      id: r.subject_id,
      label: registry.get(r.subject_type as Kind)?.label ?? r.subject_type,
      title: r.title,
      url: r.url,
      reason: r.reason,
      updatedAt: r.updated_at,
      authorName: r.author_id ? (people.get(r.author_id)?.name ?? 'A former member') : null,
      spaceName: r.space_id ? (spaces.get(r.space_id)?.name ?? null) : null,
    })),
  }
}
