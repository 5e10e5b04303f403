import type { ExpressionBuilder } from 'kysely'
import { visibleTo, type Actor } from '../../core/access/policy.ts'
import type { SpaceVisibility, SpaceRole, MembershipStatus } from '../../core/access/access.tables.ts'
import { decodeCursor, paginate, type Cursor } from '../../core/http/pagination.ts'
import type { CommunitiesDb, CommunitiesTable, JoinPolicy } from './communities.tables.ts'

/** A community with its space's visibility. */
export interface Community {
  id: string
  slug: string
  name: string
  description: string
  themes: string[]
  joinPolicy: JoinPolicy
  visibility: SpaceVisibility
  createdBy: string
  createdAt: string
  updatedAt: string
  lastActivityAt: string
}

const communityColumns = [
  'communities.id',
  'communities.slug',
  'communities.name',
  'communities.description',
  'communities.themes',
  'communities.join_policy',
  'communities.created_by',
  'communities.created_at',
  'communities.updated_at',
  'communities.last_activity_at',
  'spaces.visibility',
] as const

type CommunityRow = CommunitiesTable & { visibility: SpaceVisibility }

function toCommunity(r: CommunityRow): Community {
  return {
    id: r.id,
    slug: r.slug,
    name: r.name,
    description: r.description,
    themes: r.themes ? r.themes.split(',').map((t) => t.trim()).filter(Boolean) : [],
    joinPolicy: r.join_policy,
    visibility: r.visibility,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    lastActivityAt: r.last_activity_at,
  }
}

/** Keyset condition "(at, id) comes after the cursor" for a (timestamp desc, id desc) order. */
function olderThan(eb: ExpressionBuilder<any, any>, atColumn: string, idColumn: string, cursor: Cursor) {
  return eb.or([eb(eb.ref(atColumn), '<', cursor.at), eb.and([eb(eb.ref(atColumn), '=', cursor.at), eb(eb.ref(idColumn), '<', cursor.id)])])
}

/** One community by slug, whoever asks (callers check access with the policy). */
export async function findCommunityBySlug(db: CommunitiesDb, slug: string): Promise<Community | null> {
  if (slug.length > 80) return null
  const row = await db.selectFrom('communities').innerJoin('spaces', 'spaces.id', 'communities.id').select(communityColumns).where('communities.slug', '=', slug).executeTakeFirst()
  return row ? toCommunity(row) : null
}

/** One community by id (its space id). */
export async function findCommunityById(db: CommunitiesDb, id: string): Promise<Community | null> {
  const row = await db.selectFrom('communities').innerJoin('spaces', 'spaces.id', 'communities.id').select(communityColumns).where('communities.id', '=', id).executeTakeFirst()
  return row ? toCommunity(row) : null
}

/** True when the slug is taken. */
export async function slugExists(db: CommunitiesDb, slug: string): Promise<boolean> {
  return (await db.selectFrom('communities').select('id').where('slug', '=', slug).executeTakeFirst()) !== undefined
}

/** Communities the actor may see, most recently active first. */
export async function listCommunities(db: CommunitiesDb, actor: Actor, options: { cursor?: unknown; limit: number }): Promise<{ items: Community[]; next: string | null }> {
  const cursor = decodeCursor(options.cursor)
  let q = db
    .selectFrom('communities')
    .innerJoin('spaces', 'spaces.id', 'communities.id')
    .select(communityColumns)
    .where((eb) => visibleTo(actor, eb, { space: 'communities.id' }))
  if (cursor) q = q.where((eb) => olderThan(eb, 'communities.last_activity_at', 'communities.id', cursor))
  const rows = await q.orderBy('communities.last_activity_at', 'desc').orderBy('communities.id', 'desc').limit(options.limit + 1).execute()
  return paginate(rows.map(toCommunity), options.limit, (c) => ({ at: c.lastActivityAt, id: c.id }))
}

/** Active member counts for a set of communities, in one query. */
export async function memberCounts(db: CommunitiesDb, spaceIds: string[]): Promise<Map<string, number>> {
  if (spaceIds.length === 0) return new Map()
  const rows = await db
    .selectFrom('space_members')
    .select(['space_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('space_id', 'in', spaceIds)
    .where('status', '=', 'active')
    .groupBy('space_id')
    .execute()
  return new Map(rows.map((r) => [r.space_id, Number(r.n)]))
}

export interface Membership {
  userId: string
  role: SpaceRole
  status: MembershipStatus
  since: string
}

/** Memberships of a space with the given statuses (accounts labels the people). */
export async function listMemberships(db: CommunitiesDb, spaceId: string, statuses: MembershipStatus[], limit = 500): Promise<Membership[]> {
  const rows = await db
    .selectFrom('space_members')
    .select(['user_id', 'role', 'status', 'updated_at'])
    .where('space_id', '=', spaceId)
    .where('status', 'in', statuses)
    .limit(limit)
    .execute()
  return rows.map((r) => ({ userId: r.user_id, role: r.role, status: r.status, since: r.updated_at }))
}

/** The memberships of these people in a space, for deciding who may read it. */
export async function membershipsAmong(db: CommunitiesDb, spaceId: string, userIds: string[]): Promise<Map<string, { role: SpaceRole; status: MembershipStatus }>> {
  if (userIds.length === 0) return new Map()
  const rows = await db.selectFrom('space_members').select(['user_id', 'role', 'status']).where('space_id', '=', spaceId).where('user_id', 'in', userIds).execute()
  return new Map(rows.map((r) => [r.user_id, { role: r.role, status: r.status }]))
}

/** One membership row, or null. */
export async function findMembership(db: CommunitiesDb, spaceId: string, userId: string): Promise<{ role: SpaceRole; status: MembershipStatus } | null> {
  const row = await db.selectFrom('space_members').select(['role', 'status']).where('space_id', '=', spaceId).where('user_id', '=', userId).executeTakeFirst()
  return row ?? null
}

/** Ids of the active hosts of a space. */
export async function hostIds(db: CommunitiesDb, spaceId: string): Promise<string[]> {
  const rows = await db.selectFrom('space_members').select('user_id').where('space_id', '=', spaceId).where('role', '=', 'host').where('status', '=', 'active').execute()
  return rows.map((r) => r.user_id)
}


export interface Thread {
  id: string
  spaceId: string
  title: string
  body: string
  bodyHtml: string
  authorId: string
  pinned: boolean
  locked: boolean
  hiddenAt: string | null
  replyCount: number
  lastActivityAt: string
  editedAt: string | null
  createdAt: string
}

const threadColumns = [
  'threads.id',
  'threads.space_id',
  'threads.title',
  'threads.body',
  'threads.body_html',
  'threads.author_id',
  'threads.pinned',
  'threads.locked',
  'threads.hidden_at',
  'threads.reply_count',
  'threads.last_activity_at',
  'threads.edited_at',
  'threads.created_at',
] as const

function toThread(r: { id: string; space_id: string; title: string; body: string; body_html: string; author_id: string; pinned: number; locked: number; hidden_at: string | null; reply_count: number; last_activity_at: string; edited_at: string | null; created_at: string }): Thread {
  return {
    id: r.id,
    spaceId: r.space_id,
    title: r.title,
    body: r.body,
    bodyHtml: r.body_html,
    authorId: r.author_id,
    pinned: Number(r.pinned) === 1,
    locked: Number(r.locked) === 1,
    hiddenAt: r.hidden_at,
    replyCount: Number(r.reply_count),
    lastActivityAt: r.last_activity_at,
    editedAt: r.edited_at,
    createdAt: r.created_at,
  }
}

/** One thread by id (callers check access). */
export async function findThread(db: CommunitiesDb, id: string): Promise<Thread | null> {
  if (id.length > 64) return null
  const row = await db.selectFrom('threads').select(threadColumns).where('threads.id', '=', id).executeTakeFirst()
  return row ? toThread(row) : null
}

/** A thread made from this one-time form key, if any. */
export async function threadBySubmission(db: CommunitiesDb, submissionId: string): Promise<{ id: string; space_id: string } | null> {
  return (await db.selectFrom('threads').select(['id', 'space_id']).where('submission_id', '=', submissionId).executeTakeFirst()) ?? null
}

/**
 * A community's threads the actor may see: pinned first, then by latest activity.
 * The cursor's `at` is "<pinned>|<last_activity_at>" so the keyset covers all three sort columns.
 */
export async function listThreads(db: CommunitiesDb, actor: Actor, spaceId: string, options: { cursor?: unknown; limit: number; pinnedOnly?: boolean }): Promise<{ items: Thread[]; next: string | null }> {
  const cursor = decodeCursor(options.cursor)
  let q = db
    .selectFrom('threads')
    .select(threadColumns)
    .where('threads.space_id', '=', spaceId)
    .where((eb) => visibleTo(actor, eb, { space: 'threads.space_id', hidden: 'threads.hidden_at', author: 'threads.author_id' }))
  if (options.pinnedOnly) q = q.where('threads.pinned', '=', 1)
  if (cursor) {
    const [p, at] = [Number(cursor.at.slice(0, 1)), cursor.at.slice(2)]
    q = q.where((eb) =>
      eb.or([
        eb('threads.pinned', '<', p),
        eb.and([eb('threads.pinned', '=', p), olderThan(eb, 'threads.last_activity_at', 'threads.id', { at, id: cursor.id })]),
      ]),
    )
  }
  const rows = await q.orderBy('threads.pinned', 'desc').orderBy('threads.last_activity_at', 'desc').orderBy('threads.id', 'desc').limit(options.limit + 1).execute()
  return paginate(rows.map(toThread), options.limit, (t) => ({ at: `${t.pinned ? 1 : 0}|${t.lastActivityAt}`, id: t.id }))
}

export interface Reply {
  id: string
  threadId: string
  spaceId: string
  body: string
  bodyHtml: string
  authorId: string
  quoteReplyId: string | null
  hiddenAt: string | null
  editedAt: string | null
  createdAt: string
  position: number
}

const replyColumns = [
  'replies.id',
  'replies.thread_id',
  'replies.space_id',
  'replies.body',
  'replies.body_html',
  'replies.author_id',
  'replies.quote_reply_id',
  'replies.hidden_at',
  'replies.edited_at',
  'replies.created_at',
  'replies.position',
] as const

function toReply(r: { id: string; thread_id: string; space_id: string; body: string; body_html: string; author_id: string; quote_reply_id: string | null; hidden_at: string | null; edited_at: string | null; created_at: string; position: number }): Reply {
  return {
    id: r.id,
    threadId: r.thread_id,
    spaceId: r.space_id,
    body: r.body,
    bodyHtml: r.body_html,
    authorId: r.author_id,
    quoteReplyId: r.quote_reply_id,
    hiddenAt: r.hidden_at,
    editedAt: r.edited_at,
    createdAt: r.created_at,
    position: Number(r.position),
  }
}

/** One reply by id. */
export async function findReply(db: CommunitiesDb, id: string): Promise<Reply | null> {
  if (id.length > 64) return null
  const row = await db.selectFrom('replies').select(replyColumns).where('replies.id', '=', id).executeTakeFirst()
  return row ? toReply(row) : null
}

/** A reply made from this one-time form key, if any. */
export async function replyBySubmission(db: CommunitiesDb, submissionId: string): Promise<{ id: string; thread_id: string; position: number } | null> {
  return (await db.selectFrom('replies').select(['id', 'thread_id', 'position']).where('submission_id', '=', submissionId).executeTakeFirst()) ?? null
}

/** Every reply of a thread, in order (for re-indexing when the thread is hidden or restored). */
export async function allRepliesOf(db: CommunitiesDb, threadId: string): Promise<Reply[]> {
  const rows = await db.selectFrom('replies').select(replyColumns).where('replies.thread_id', '=', threadId).orderBy('replies.position').execute()
  return rows.map(toReply)
}

/** Replies by id (for quotes on a page), in one query. */
export async function repliesByIds(db: CommunitiesDb, ids: string[]): Promise<Map<string, Reply>> {
  if (ids.length === 0) return new Map()
  const rows = await db.selectFrom('replies').select(replyColumns).where('replies.id', 'in', [...new Set(ids)]).execute()
  return new Map(rows.map((r) => [r.id, toReply(r)]))
}

/** Which page of a thread to show: the first, after/before a position, or the last. */
export type ReplyWindow = { after: number } | { before: number } | { last: true }

/**
 * One page of a thread's replies in position order, by keyset on (thread_id, position):
 * first, middle and last pages each read only `limit + 1` index entries.
 */
export async function listReplies(
  db: CommunitiesDb,
  actor: Actor,
  threadId: string,
  window: ReplyWindow,
  limit: number,
): Promise<{ items: Reply[]; hasNewer: boolean; hasOlder: boolean }> {
  let q = db
    .selectFrom('replies')
    .select(replyColumns)
    .where('replies.thread_id', '=', threadId)
    .where((eb) => visibleTo(actor, eb, { space: 'replies.space_id', hidden: 'replies.hidden_at', author: 'replies.author_id' }))
  if ('after' in window) {
    const rows = await q.where('replies.position', '>', Math.min(window.after, 2_000_000_000)).orderBy('replies.position', 'asc').limit(limit + 1).execute()
    const items = rows.slice(0, limit).map(toReply)
    return { items, hasNewer: rows.length > limit, hasOlder: window.after > 0 && (await hasReplyBefore(db, actor, threadId, items[0]?.position ?? window.after + 1)) }
  }
  // No upper bound for the last page (PostgreSQL integers overflow on MAX_SAFE_INTEGER).
  if ('before' in window) q = q.where('replies.position', '<', Math.min(window.before, 2_000_000_000))
  const rows = await q.orderBy('replies.position', 'desc').limit(limit + 1).execute()
  const items = rows.slice(0, limit).reverse().map(toReply)
  return { items, hasOlder: rows.length > limit, hasNewer: 'before' in window }
}

async function hasReplyBefore(db: CommunitiesDb, actor: Actor, threadId: string, position: number): Promise<boolean> {
  const row = await db
    .selectFrom('replies')
    .select('replies.id')
    .where('replies.thread_id', '=', threadId)
    .where('replies.position', '<', position)
    .where((eb) => visibleTo(actor, eb, { space: 'replies.space_id', hidden: 'replies.hidden_at', author: 'replies.author_id' }))
    .limit(1)
    .executeTakeFirst()
  return row !== undefined
}

/** Earlier versions of a thread or reply, newest first. */
export async function listRevisions(db: CommunitiesDb, subjectType: 'thread' | 'reply', subjectId: string): Promise<Array<{ id: string; title: string | null; body: string; editedBy: string; createdAt: string }>> {
  const rows = await db
    .selectFrom('revisions')
    .select(['id', 'title', 'body', 'edited_by', 'created_at'])
    .where('subject_type', '=', subjectType)
    .where('subject_id', '=', subjectId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(200)
    .execute()
  return rows.map((r) => ({ id: r.id, title: r.title, body: r.body, editedBy: r.edited_by, createdAt: r.created_at }))
}

export interface LibraryDocument {
  id: string
  spaceId: string
  kind: 'file' | 'link'
  title: string
  description: string
  url: string | null
  fileName: string | null
  mimeType: string | null
  sizeBytes: number | null
  storageKey: string | null
  authorId: string
  hiddenAt: string | null
  createdAt: string
}

const documentColumns = [
  'documents.id',
  'documents.space_id',
  'documents.kind',
  'documents.title',
  'documents.description',
  'documents.url',
  'documents.file_name',
  'documents.mime_type',
  'documents.size_bytes',
  'documents.storage_key',
  'documents.author_id',
  'documents.hidden_at',
  'documents.created_at',
] as const

function toDocument(r: { id: string; space_id: string; kind: 'file' | 'link'; title: string; description: string; url: string | null; file_name: string | null; mime_type: string | null; size_bytes: number | null; storage_key: string | null; author_id: string; hidden_at: string | null; created_at: string }): LibraryDocument {
  return {
    id: r.id,
    spaceId: r.space_id,
    kind: r.kind,
    title: r.title,
    description: r.description,
    url: r.url,
    fileName: r.file_name,
    mimeType: r.mime_type,
    sizeBytes: r.size_bytes === null ? null : Number(r.size_bytes),
    storageKey: r.storage_key,
    authorId: r.author_id,
    hiddenAt: r.hidden_at,
    createdAt: r.created_at,
  }
}

/** One library document by id. */
export async function findDocument(db: CommunitiesDb, id: string): Promise<LibraryDocument | null> {
  if (id.length > 64) return null
  const row = await db.selectFrom('documents').select(documentColumns).where('documents.id', '=', id).executeTakeFirst()
  return row ? toDocument(row) : null
}

/** A community's library the actor may see, newest first. */
export async function listDocuments(db: CommunitiesDb, actor: Actor, spaceId: string, options: { cursor?: unknown; limit: number }): Promise<{ items: LibraryDocument[]; next: string | null }> {
  const cursor = decodeCursor(options.cursor)
  let q = db
    .selectFrom('documents')
    .select(documentColumns)
    .where('documents.space_id', '=', spaceId)
    .where((eb) => visibleTo(actor, eb, { space: 'documents.space_id', hidden: 'documents.hidden_at', author: 'documents.author_id' }))
  if (cursor) q = q.where((eb) => olderThan(eb, 'documents.created_at', 'documents.id', cursor))
  const rows = await q.orderBy('documents.created_at', 'desc').orderBy('documents.id', 'desc').limit(options.limit + 1).execute()
  return paginate(rows.map(toDocument), options.limit, (d) => ({ at: d.createdAt, id: d.id }))
}

/** An open (not yet accepted) invitation by its token hash. */
export async function invitationByTokenHash(db: CommunitiesDb, spaceId: string, tokenHash: string): Promise<{ id: string; email: string | null; user_id: string | null } | null> {
  return (
    (await db
      .selectFrom('invitations')
      .select(['id', 'email', 'user_id'])
      .where('space_id', '=', spaceId)
      .where('token_hash', '=', tokenHash)
      .where('accepted_at', 'is', null)
      .executeTakeFirst()) ?? null
  )
}

/** Open invitations of a space (for the members page). */
export async function openInvitations(db: CommunitiesDb, spaceId: string): Promise<Array<{ id: string; email: string | null; userId: string | null; createdAt: string }>> {
  const rows = await db
    .selectFrom('invitations')
    .select(['id', 'email', 'user_id', 'created_at'])
    .where('space_id', '=', spaceId)
    .where('accepted_at', 'is', null)
    .orderBy('created_at', 'desc')
    .limit(200)
    .execute()
  return rows.map((r) => ({ id: r.id, email: r.email, userId: r.user_id, createdAt: r.created_at }))
}

/** Communities where `userId` is an active member, limited to those the actor may see. */
export async function communitiesOfPerson(db: CommunitiesDb, actor: Actor, userId: string, limit = 50): Promise<Array<Community & { role: SpaceRole }>> {
  const rows = await db
    .selectFrom('space_members')
    .innerJoin('communities', 'communities.id', 'space_members.space_id')
    .innerJoin('spaces', 'spaces.id', 'communities.id')
    .select([...communityColumns, 'space_members.role'])
    .where('space_members.user_id', '=', userId)
    .where('space_members.status', '=', 'active')
    .where((eb) => visibleTo(actor, eb, { space: 'communities.id' }))
    .orderBy('communities.name')
    .limit(limit)
    .execute()
  return rows.map((r) => ({ ...toCommunity(r), role: r.role }))
}

/** Public communities and their visible threads, for the sitemap. */
export async function publicSitemapEntries(db: CommunitiesDb): Promise<Array<{ path: string; updated?: string }>> {
  const anon: Actor = { userId: null, isAdmin: false }
  const communities = await db
    .selectFrom('communities')
    .select(['communities.id', 'communities.slug', 'communities.last_activity_at'])
    .where((eb) => visibleTo(anon, eb, { space: 'communities.id' }))
    .limit(5000)
    .execute()
  if (communities.length === 0) return []
  const slugs = new Map(communities.map((c) => [c.id, c.slug]))
  const threads = await db
    .selectFrom('threads')
    .select(['threads.id', 'threads.space_id', 'threads.last_activity_at'])
    .where('threads.space_id', 'in', [...slugs.keys()])
    .where((eb) => visibleTo(anon, eb, { space: 'threads.space_id', hidden: 'threads.hidden_at' }))
    .orderBy('threads.last_activity_at', 'desc')
    .limit(20000)
    .execute()
  return [
    ...communities.map((c) => ({ path: `/communities/${c.slug}`, updated: c.last_activity_at })),
    ...threads.map((t) => ({ path: `/communities/${slugs.get(t.space_id)}/threads/${t.id}`, updated: t.last_activity_at })),
  ]
}

/** Members-only communities by name, for platform admins' list (names only: what is inside stays closed). */
export async function membersOnlyCommunities(db: CommunitiesDb, limit = 200): Promise<Array<{ slug: string; name: string }>> {
  return db
    .selectFrom('communities')
    .innerJoin('spaces', 'spaces.id', 'communities.id')
    .select(['communities.slug', 'communities.name'])
    .where('spaces.visibility', '=', 'members')
    .orderBy('communities.name')
    .limit(limit)
    .execute()
}
