import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely'
import type { SpaceVisibility } from './access.tables.ts'
import { noteFilter, untrace } from './reader-trace.ts'

/**
 * Who is asking, and THE list filter. One thing is decided by `can()` (core/access/can.ts, with each
 * kind's rules in its policy file); lists are filtered by `visibleTo` here, which states the same
 * view rules (core/access/spaces.policy.ts) in SQL. Every list read path (pages, API, feeds, search,
 * tag pages, sitemaps, notifications, e-mails, exports) applies it.
 */

export interface Actor {
  userId: string | null
  isAdmin: boolean
  /**
   * A new account (trust levels, core/access/trust.ts): what it publishes with links waits for a
   * moderator's approval. Set per request from the account; absent means an established account.
   */
  newcomer?: boolean
}

export const ANONYMOUS: Actor = Object.freeze({ userId: null, isAdmin: false })

/** Whether someone is signed in: the same for every signed-in reader, so not a personal read (reader-trace.ts). */
export const signedIn = (actor: Actor): actor is Actor & { userId: string } => untrace(actor).actor.userId !== null

/** The columns the content predicate reads, named as the caller's query sees them. */
export interface ContentColumns {
  /** Column holding the content's space id (nullable). */
  space: string
  /** Column holding when it became visible (ISO string; null = draft). Omit for content without publication state. */
  visibleFrom?: string
  /** Column holding the primary author's user id, if the content has drafts or can be hidden. */
  author?: string
  /** Column holding when a moderator hid it (null = not hidden). Hidden content is shown only to its author and admins. */
  hidden?: string
}

/**
 * The predicate per actor and column, built once: a page applies it in a dozen statements, and building the union
 * was a fifth of a signed-in page's CPU. Kysely's expressions are immutable operation trees, so one serves every
 * statement. Keyed by the actor object: ANONYMOUS is one for the process, a signed-in actor one per request (an
 * admin's grant is read as of that request).
 */
const builtFor = new WeakMap<Actor, Map<string, Expression<SqlBool>>>()

/**
 * SQL: the given space column is null or names a space the actor may read (see viewSpace). `grantsAt` is the time an
 * admin's access grants are read as of (now by default; a stand-in for a statement compiled once, compiled-once.ts).
 */
export function spaceVisible(traced: Actor, eb: ExpressionBuilder<any, any>, spaceColumn: string, grantsAt?: string): Expression<SqlBool> {
  // The same for every reader of the same standing in spaces (a shared page's key holds it): not a personal read (reader-trace.ts).
  const { actor } = untrace(traced)
  let built = builtFor.get(actor)
  if (!built) builtFor.set(actor, (built = new Map()))
  let predicate = built.get(spaceColumn)
  if (!predicate) built.set(spaceColumn, (predicate = buildSpaceVisible(actor, eb, spaceColumn, grantsAt ?? new Date().toISOString())))
  return predicate
}

function buildSpaceVisible(actor: Actor, eb: ExpressionBuilder<any, any>, spaceColumn: string, grantsAt: string): Expression<SqlBool> {
  const visibilities: SpaceVisibility[] = actor.userId ? ['public', 'signed_in'] : ['public']
  let open = eb.selectFrom('spaces').select('spaces.id').where('spaces.visibility', 'in', visibilities)
  // A banned member keeps only what anonymous readers have (as viewSpace says): not the signed-in spaces that banned them.
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
    // Trusted spaces: an admin reads a members-only space only through a live, audited access grant.
    if (actor.isAdmin) {
      const granted = eb
        .selectFrom('space_admin_access')
        .select('space_admin_access.space_id')
        .where('space_admin_access.admin_id', '=', actor.userId)
        .where('space_admin_access.expires_at', '>', grantsAt)
      visible = visible.union(granted as any)
    }
  }
  return eb.or([eb(eb.ref(spaceColumn), 'is', null), eb(eb.fn.coalesce(eb.ref(spaceColumn), eb.val('')), 'in', visible)])
}

/**
 * SQL: the actor may read this row. Use it in every list query:
 * `.where((eb) => visibleTo(actor, eb, { space: 'posts.space_id', visibleFrom: 'posts.published_at', author: 'posts.author_id' }))`.
 * Platform admins also see hidden content (they moderate), but not others' drafts nor members-only spaces.
 */
export function visibleTo(traced: Actor, eb: ExpressionBuilder<any, any>, columns: ContentColumns, at: string = new Date().toISOString()): Expression<SqlBool> {
  // A shared rendering notes the author column: readers who wrote in that table are not served it (reader-trace.ts).
  const { actor, trace } = untrace(traced)
  noteFilter(trace, columns)
  const inSpace = spaceVisible(actor, eb, columns.space)
  const own = columns.author && actor.userId ? eb(eb.ref(columns.author), '=', actor.userId) : null
  const conditions: Expression<SqlBool>[] = [inSpace]
  if (columns.visibleFrom) {
    const published = eb.and([eb(eb.ref(columns.visibleFrom), 'is not', null), eb(eb.ref(columns.visibleFrom), '<=', at)])
    conditions.push(own ? eb.or([published, own]) : published)
  }
  if (columns.hidden && !actor.isAdmin) {
    const shown = eb(eb.ref(columns.hidden), 'is', null)
    conditions.push(own ? eb.or([shown, own]) : shown)
  }
  return conditions.length === 1 ? inSpace : eb.and(conditions)
}

/**
 * SQL: the part of visibleTo for rows that live inside something the reader already may see (comments on a post):
 * not hidden, unless the reader wrote it or is an admin. Noted like visibleTo's author clause (reader-trace.ts).
 */
export function shownTo(traced: Actor, eb: ExpressionBuilder<any, any>, columns: { author: string; hidden: string }): Expression<SqlBool> {
  const { actor, trace } = untrace(traced)
  noteFilter(trace, { space: '', ...columns })
  if (actor.isAdmin) return always
  const shown = eb(eb.ref(columns.hidden), 'is', null)
  return actor.userId ? eb.or([shown, eb(eb.ref(columns.author), '=', actor.userId)]) : shown
}

/** SQL for content that is visible to everyone, anonymous included: what caches, sitemaps and public feeds may hold. */
export function publiclyVisible(eb: ExpressionBuilder<any, any>, columns: ContentColumns, at?: string): Expression<SqlBool> {
  return visibleTo(ANONYMOUS, eb, columns, at)
}

/**
 * SQL: the actor moderates content whose space is in this column. The rule of moderateSpace
 * (spaces.policy.ts) in SQL: the active hosts and moderators of the space; platform admins for site
 * content and the spaces they may read (a trusted space only with an "access as admin" grant).
 */
export function moderatedBy(traced: Actor, eb: ExpressionBuilder<any, any>, spaceColumn: string): Expression<SqlBool> {
  // The same for every reader of the same standing in spaces (not admins: never shared): not a personal read.
  const { actor } = untrace(traced)
  if (!actor.userId) return never
  if (actor.isAdmin) return spaceVisible(actor, eb, spaceColumn)
  const moderated = eb
    .selectFrom('space_members')
    .select('space_members.space_id')
    .where('space_members.user_id', '=', actor.userId)
    .where('space_members.status', '=', 'active')
    .where('space_members.role', 'in', ['host', 'moderator'])
  return eb(eb.ref(spaceColumn), 'in', moderated)
}

/** SQL that is always true, for optional conditions. */
export const always = sql<SqlBool>`1 = 1`

/** SQL that is never true. */
export const never = sql<SqlBool>`1 = 0`
