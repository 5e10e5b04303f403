import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely'
import type { Executor } from '../db/database.ts'
import type { SpaceRole, SpaceVisibility } from './access.tables.ts'

/**
 * THE access policy. Every read path (pages, API, feeds, search, tag pages, sitemaps,
 * notifications, e-mails, exports, downloads) asks here, and nothing else decides.
 *
 * Rules:
 * - Content with no space is site content: readable by anyone once published.
 * - Content in a space follows the space's visibility: `public` (anyone), `signed_in`
 *   (any signed-in person), `members` (active members only: not invited, requested,
 *   banned or removed).
 * - Unpublished content (a draft, or scheduled for later) is readable only by its authors.
 * - Platform admins can read everything (they moderate and answer to the audit log).
 * - A reader who may not see something gets 404, never 403, so existence is not revealed.
 */

export interface Actor {
  userId: string | null
  isAdmin: boolean
}

export const ANONYMOUS: Actor = Object.freeze({ userId: null, isAdmin: false })

export const signedIn = (actor: Actor): actor is Actor & { userId: string } => actor.userId !== null

/** The columns the content predicate reads, named as the caller's query sees them. */
export interface ContentColumns {
  /** Column holding the content's space id (nullable). */
  space: string
  /** Column holding when it became visible (ISO string; null = draft). Omit for content without publication state. */
  visibleFrom?: string
  /** Column holding the primary author's user id, if the content has drafts. */
  author?: string
  /** Column holding when a moderator hid it (null = not hidden). Hidden content is shown only to its author and admins. */
  hidden?: string
}

/** SQL: the given space column is null or names a space the actor may read. */
export function spaceVisible(actor: Actor, eb: ExpressionBuilder<any, any>, spaceColumn: string): Expression<SqlBool> {
  if (actor.isAdmin) return sql<SqlBool>`1 = 1`
  const visibilities: SpaceVisibility[] = actor.userId ? ['public', 'signed_in'] : ['public']
  let open = eb.selectFrom('spaces').select('spaces.id').where('spaces.visibility', 'in', visibilities)
  // A banned member keeps only what anonymous readers have (as canInSpace says): not the signed-in spaces that banned them.
  if (actor.userId) {
    const banned = eb.selectFrom('space_members').select('space_members.space_id').where('space_members.user_id', '=', actor.userId).where('space_members.status', '=', 'banned')
    open = open.where((w) => w.or([w('spaces.visibility', '=', 'public'), w('spaces.id', 'not in', banned)]))
  }
  // One IN over a union, on coalesce(column, ''), rather than an OR of IN-lists: an OR whose every branch can use
  // an index makes SQLite fetch every site-wide row through the space index and sort them (measured: 450 ms for
  // 20 posts out of 100,000). This shape leaves the list's own (timestamp, id) index to drive the scan.
  let visible = open
  if (actor.userId) {
    const mine = eb
      .selectFrom('space_members')
      .select('space_members.space_id')
      .where('space_members.user_id', '=', actor.userId)
      .where('space_members.status', '=', 'active')
    visible = visible.union(mine as any)
  }
  return eb.or([eb(eb.ref(spaceColumn), 'is', null), eb(eb.fn.coalesce(eb.ref(spaceColumn), eb.val('')), 'in', visible)])
}

/**
 * SQL: the actor may read this row. Use it in every list query:
 * `.where((eb) => visibleTo(actor, eb, { space: 'posts.space_id', visibleFrom: 'posts.published_at', author: 'posts.author_id' }))`.
 */
export function visibleTo(actor: Actor, eb: ExpressionBuilder<any, any>, columns: ContentColumns, at: string = new Date().toISOString()): Expression<SqlBool> {
  const inSpace = spaceVisible(actor, eb, columns.space)
  if (actor.isAdmin) return inSpace
  const own = columns.author && actor.userId ? eb(eb.ref(columns.author), '=', actor.userId) : null
  const conditions: Expression<SqlBool>[] = [inSpace]
  if (columns.visibleFrom) {
    const published = eb.and([eb(eb.ref(columns.visibleFrom), 'is not', null), eb(eb.ref(columns.visibleFrom), '<=', at)])
    conditions.push(own ? eb.or([published, own]) : published)
  }
  if (columns.hidden) {
    const shown = eb(eb.ref(columns.hidden), 'is', null)
    conditions.push(own ? eb.or([shown, own]) : shown)
  }
  return eb.and(conditions)
}

/** SQL for content that is visible to everyone, anonymous included: what caches, sitemaps and public feeds may hold. */
export function publiclyVisible(eb: ExpressionBuilder<any, any>, columns: ContentColumns, at?: string): Expression<SqlBool> {
  return visibleTo(ANONYMOUS, eb, columns, at)
}

/** What the policy needs to know about one resource to answer `can`. */
export interface Resource {
  spaceId: string | null
  /** ISO time it became visible; null for a draft; undefined when the content has no publication state. */
  visibleFrom?: string | null
  /** Everyone who counts as an author (primary and co-authors). */
  authorIds?: string[]
  /** When a moderator hid it; hidden content is visible only to its authors, the space's moderators and admins. */
  hiddenAt?: string | null
}

export type Action = 'view' | 'edit' | 'moderate' | 'participate'

export interface SpaceFacts {
  visibility: SpaceVisibility
  role: SpaceRole | null
  status: string | null
}

/** Loads a space's visibility and the actor's membership in one query. */
export async function spaceFacts(db: Executor, actor: Actor, spaceId: string): Promise<SpaceFacts | null> {
  const row = await db
    .selectFrom('spaces')
    .leftJoin('space_members', (join) =>
      join.onRef('space_members.space_id', '=', 'spaces.id').on('space_members.user_id', '=', actor.userId ?? ''),
    )
    .select(['spaces.visibility', 'space_members.role', 'space_members.status'])
    .where('spaces.id', '=', spaceId)
    .executeTakeFirst()
  if (!row) return null
  return { visibility: row.visibility, role: row.role ?? null, status: row.status ?? null }
}

/** Decides one action on one space, from facts already loaded. */
export function canInSpace(actor: Actor, action: Action, facts: SpaceFacts | null): boolean {
  if (!facts) return action === 'view' || (action === 'participate' && actor.userId !== null) || actor.isAdmin
  if (actor.isAdmin) return true
  const active = facts.status === 'active'
  if (facts.status === 'banned') return action === 'view' && facts.visibility === 'public'
  switch (action) {
    case 'view':
      return facts.visibility === 'public' || (facts.visibility === 'signed_in' && actor.userId !== null) || active
    case 'participate':
      return active
    case 'moderate':
    case 'edit':
      return active && (facts.role === 'host' || facts.role === 'moderator')
  }
}

/**
 * `can(actor, action, resource)` for one thing. Returns false (callers answer 404 for 'view').
 * Authors may view and edit their own content whatever its publication state.
 */
export async function can(db: Executor, actor: Actor, action: Action, resource: Resource): Promise<boolean> {
  if (actor.isAdmin) return true
  const facts = resource.spaceId ? await spaceFacts(db, actor, resource.spaceId) : null
  if (resource.spaceId && !facts) return false
  const isAuthor = actor.userId !== null && (resource.authorIds ?? []).includes(actor.userId)
  const spaceOk = canInSpace(actor, 'view', facts)
  if (!spaceOk) return false
  if (action === 'view') {
    if (resource.hiddenAt && !isAuthor && !canInSpace(actor, 'moderate', facts)) return false
    if (resource.visibleFrom === undefined) return true
    const published = resource.visibleFrom !== null && resource.visibleFrom <= new Date().toISOString()
    return published || isAuthor
  }
  if (action === 'edit') return isAuthor || canInSpace(actor, 'moderate', facts)
  return canInSpace(actor, action, facts)
}
