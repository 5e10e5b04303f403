import { visibleTo, type Actor } from '../../core/access/policy.ts'
import { afterCursor, decodeCursor, paginate } from '../../core/http/pagination.ts'
import type { CommunitiesDb, RepliesTable, RevisionsTable, ThreadsTable } from './communities.tables.ts'

/** A discussion thread, as use cases and pages see it. */
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
        eb.and([eb('threads.pinned', '=', p), afterCursor(eb, 'threads.last_activity_at', 'threads.id', { at, id: cursor.id })]),
      ]),
    )
  }
  const rows = await q.orderBy('threads.pinned', 'desc').orderBy('threads.last_activity_at', 'desc').orderBy('threads.id', 'desc').limit(options.limit + 1).execute()
  return paginate(rows.map(toThread), options.limit, (t) => ({ at: `${t.pinned ? 1 : 0}|${t.lastActivityAt}`, id: t.id }))
}

/** A reply to a thread, as use cases and pages see it. */
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
// ---------------------------------------------------------------- writes

/** Records a new thread. */
export async function insertThread(db: CommunitiesDb, row: ThreadsTable): Promise<void> {
  await db.insertInto('threads').values(row).execute()
}

/** The id of a reply when it belongs to this thread (a quote may only point inside its thread), else null. */
export async function replyIdInThread(db: CommunitiesDb, threadId: string, replyId: string): Promise<string | null> {
  const row = await db.selectFrom('replies').select('id').where('id', '=', replyId).where('thread_id', '=', threadId).executeTakeFirst()
  return row?.id ?? null
}

/**
 * Hands out the next reply position and marks the thread active, atomically: the row lock
 * serialises concurrent replies on PostgreSQL, so two replies never share a position.
 */
export async function nextReplyPosition(db: CommunitiesDb, threadId: string, t: string): Promise<number> {
  const bumped = await db
    .updateTable('threads')
    .set((eb) => ({ reply_count: eb('reply_count', '+', 1), last_activity_at: t }))
    .where('id', '=', threadId)
    .returning('reply_count')
    .executeTakeFirstOrThrow()
  return Number(bumped.reply_count)
}

/** Records a new reply at the position handed out by `nextReplyPosition`. */
export async function insertReply(db: CommunitiesDb, row: RepliesTable): Promise<void> {
  await db.insertInto('replies').values(row).execute()
}

/** Keeps the version of a thread or reply from before an edit. */
export async function insertRevision(db: CommunitiesDb, row: RevisionsTable): Promise<void> {
  await db.insertInto('revisions').values(row).execute()
}

/** Writes an edited thread's text. */
export async function updateThreadText(db: CommunitiesDb, id: string, text: Pick<ThreadsTable, 'title' | 'body' | 'body_html' | 'edited_at'>): Promise<void> {
  await db.updateTable('threads').set(text).where('id', '=', id).execute()
}

/** Writes an edited reply's text. */
export async function updateReplyText(db: CommunitiesDb, id: string, text: Pick<RepliesTable, 'body' | 'body_html' | 'edited_at'>): Promise<void> {
  await db.updateTable('replies').set(text).where('id', '=', id).execute()
}

/** Pins/unpins or locks/unlocks a thread. */
export async function updateThreadFlag(db: CommunitiesDb, id: string, flag: 'pinned' | 'locked', on: boolean): Promise<void> {
  await db.updateTable('threads').set(flag === 'pinned' ? { pinned: on ? 1 : 0 } : { locked: on ? 1 : 0 }).where('id', '=', id).execute()
}

/** Hides (a timestamp) or restores (null) a thread. */
export async function setThreadHiddenAt(db: CommunitiesDb, id: string, hiddenAt: string | null): Promise<void> {
  // Shown for the first time (approved after waiting): followers hear of it from now; shown before: unchanged (decision 0038).
  await db.updateTable('threads').set((eb) => ({ hidden_at: hiddenAt, ...(hiddenAt === null ? { shown_at: eb.fn.coalesce('shown_at', eb.val(new Date().toISOString())) } : {}) })).where('id', '=', id).execute()
}

/** Hides (a timestamp) or restores (null) a reply. */
export async function setReplyHiddenAt(db: CommunitiesDb, id: string, hiddenAt: string | null): Promise<void> {
  await db.updateTable('replies').set({ hidden_at: hiddenAt }).where('id', '=', id).execute()
}
