import type { Db } from '../../core/db/database.ts'
import { newId, now } from '../../core/db/ids.ts'
import { can } from '../../core/access/can.ts'
import type { Actor } from '../../core/access/policy.ts'
import { audit } from '../../core/audit.ts'
import { holdForApproval } from '../../core/access/trust.ts'
import { AppError, forbidden } from '../../core/errors.ts'
import { markdownToText } from '../../core/markdown/markdown.ts'
import { indexDocument, removeDocument, removeDocuments } from '../../core/search/search.ts'
import type { NotificationInput } from '../notifications/notifications.ts'
import { touchCommunity } from './communities.queries.ts'
import {
  allRepliesOf,
  insertReply,
  insertRevision,
  insertThread,
  nextReplyPosition,
  replyBySubmission,
  replyIdInThread,
  threadBySubmission,
  updateReplyText,
  updateThreadFlag,
  updateThreadText,
  type Reply,
  type Thread,
} from './discussions.queries.ts'
import { requireSignedIn, type CommunityAccess } from './communities.ts'
import { extractMentions, renderBody } from './mentions.ts'
import { nameOf, notifyReaders } from './people.ts'
import { replyFacts, threadFacts } from './communities.policy.ts'

// A community's discussions: threads and replies, their search entries, edits with kept
// history, and pinning and locking by its hosts and moderators.

/** Replies per thread page. */
export const REPLIES_PER_PAGE = 25

export const threadPath = (slug: string, threadId: string) => `/communities/${slug}/threads/${threadId}`
export const replyPath = (slug: string, threadId: string, replyId: string) => `/communities/${slug}/threads/${threadId}/replies/${replyId}`

/** Writes a thread to the search index (or removes it while hidden), with the community's space so search follows its visibility. */
export async function indexThread(db: Db, slug: string, t: { id: string; spaceId: string; title: string; body: string; createdAt: string; hiddenAt: string | null }): Promise<void> {
  if (t.hiddenAt) return removeDocument(db, 'thread', t.id)
  await indexDocument(db, { type: 'thread', id: t.id, title: t.title, body: markdownToText(t.body), url: threadPath(slug, t.id), spaceId: t.spaceId, visibleFrom: t.createdAt })
}

/** Writes a reply to the search index (or removes it while hidden). */
export async function indexReply(db: Db, slug: string, threadTitle: string, r: { id: string; threadId: string; spaceId: string; body: string; createdAt: string; hiddenAt: string | null }): Promise<void> {
  if (r.hiddenAt) return removeDocument(db, 'reply', r.id)
  await indexDocument(db, { type: 'reply', id: r.id, title: `Re: ${threadTitle}`, body: markdownToText(r.body), url: replyPath(slug, r.threadId, r.id), spaceId: r.spaceId, visibleFrom: r.createdAt })
}

/** Re-indexes every reply of a thread after the thread was hidden (all leave search) or restored (visible ones return). */
export async function indexThreadReplies(db: Db, slug: string, thread: { id: string; title: string; hiddenAt: string | null }): Promise<void> {
  const replies = await allRepliesOf(db, thread.id)
  if (thread.hiddenAt) return removeDocuments(db, 'reply', replies.map((r) => r.id))
  for (const r of replies) await indexReply(db, slug, thread.title, r)
}

/** Input for a new thread (see threadSchema). */
export interface ThreadInput {
  title: string
  body: string
  submission_id: string
}

/** Starts a thread (active members). A repeated form key returns the thread already made. */
export async function createThread(db: Db, actor: Actor, access: CommunityAccess, input: ThreadInput): Promise<{ id: string; duplicate: boolean }> {
  const userId = requireSignedIn(actor)
  if (!access.canParticipate) throw forbidden('Join this community to start a discussion')
  const c = access.community
  if (input.submission_id) {
    const existing = await threadBySubmission(db, input.submission_id)
    if (existing) return { id: existing.id, duplicate: true }
  }
  const { html, mentioned } = await renderBody(db, input.body, 'body')
  const t = now()
  const id = newId()
  // Trust levels: a new account's thread with links waits for a moderator (hidden, and nobody notified, until approved).
  const heldAt = await holdForApproval(db, actor, { type: 'thread', id, spaceId: c.id, title: input.title, url: threadPath(c.slug, id), text: `${input.title}\n\n${input.body}` })
  await insertThread(db, { id, space_id: c.id, title: input.title, body: input.body, body_html: html, author_id: userId, pinned: 0, locked: 0, hidden_at: heldAt, shown_at: heldAt ? null : t, reply_count: 0, last_activity_at: t, edited_at: null, created_at: t, submission_id: input.submission_id || null })
  await indexThread(db, c.slug, { id, spaceId: c.id, title: input.title, body: input.body, createdAt: t, hiddenAt: heldAt })
  await touchCommunity(db, c.id, t)
  const name = await nameOf(db, userId)
  await notifyReaders(db, c.id, mentioned.map((p) => ({ userId: p.id, kind: 'mention' as const, text: `${name} mentioned you in “${input.title}”`, url: threadPath(c.slug, id), spaceId: c.id })), userId, { type: 'thread', id, heldAt })
  return { id, duplicate: false }
}

/** Input for a reply (see replySchema). */
export interface ReplyInput {
  body: string
  quote_reply_id: string
  submission_id: string
}

/** Replies to a thread: refused when locked; notifies the thread's author and anyone mentioned. */
export async function createReply(db: Db, actor: Actor, access: CommunityAccess, thread: Thread, input: ReplyInput): Promise<{ id: string; position: number; duplicate: boolean }> {
  const userId = requireSignedIn(actor)
  const c = access.community
  if (!access.canParticipate) throw forbidden('Join this community to reply')
  if (thread.locked) throw new AppError('locked', 409, 'This thread is locked', { body: 'This thread is locked. You can no longer reply to it.' })
  if (input.submission_id) {
    const existing = await replyBySubmission(db, input.submission_id)
    if (existing) return { id: existing.id, position: Number(existing.position), duplicate: true }
  }
  const quoteId = input.quote_reply_id ? await replyIdInThread(db, thread.id, input.quote_reply_id) : null
  const { html, mentioned } = await renderBody(db, input.body, 'body')
  const t = now()
  const position = await nextReplyPosition(db, thread.id, t)
  const id = newId()
  // Trust levels: a new account's reply with links waits for a moderator (hidden, nobody notified, until approved).
  const heldAt = await holdForApproval(db, actor, { type: 'reply', id, spaceId: c.id, title: `Reply to “${thread.title}”: ${input.body.slice(0, 80)}`, url: replyPath(c.slug, thread.id, id), text: input.body })
  await insertReply(db, { id, thread_id: thread.id, space_id: c.id, body: input.body, body_html: html, author_id: userId, quote_reply_id: quoteId, hidden_at: heldAt, edited_at: null, created_at: t, position, submission_id: input.submission_id || null })
  await indexReply(db, c.slug, thread.title, { id, threadId: thread.id, spaceId: c.id, body: input.body, createdAt: t, hiddenAt: heldAt })
  await touchCommunity(db, c.id, t)
  const name = await nameOf(db, userId)
  const url = replyPath(c.slug, thread.id, id)
  const mentionedIds = new Set(mentioned.map((p) => p.id))
  const items: NotificationInput[] = mentioned.map((p) => ({ userId: p.id, kind: 'mention', text: `${name} mentioned you in “${thread.title}”`, url, spaceId: c.id }))
  if (!mentionedIds.has(thread.authorId)) items.push({ userId: thread.authorId, kind: 'reply', text: `${name} replied to “${thread.title}”`, url, spaceId: c.id })
  await notifyReaders(db, c.id, items, userId, { type: 'reply', id, heldAt })
  return { id, position, duplicate: false }
}

/** Edits a thread (its author, or an admin), keeping the previous version in the history. */
export async function editThread(db: Db, actor: Actor, access: CommunityAccess, thread: Thread, input: { title: string; body: string }): Promise<void> {
  const userId = requireSignedIn(actor)
  if (!(await can(db, actor, 'edit', 'thread', threadFacts(thread)))) throw forbidden('You can only edit your own messages')
  if (thread.title === input.title && thread.body === input.body) return
  const before = new Set(extractMentions(thread.body))
  const { html, mentioned } = await renderBody(db, input.body, 'body')
  const t = now()
  await insertRevision(db, { id: newId(), subject_type: 'thread', subject_id: thread.id, title: thread.title, body: thread.body, edited_by: userId, created_at: t })
  await updateThreadText(db, thread.id, { title: input.title, body: input.body, body_html: html, edited_at: t })
  await indexThread(db, access.community.slug, { ...thread, title: input.title, body: input.body })
  const name = await nameOf(db, userId)
  const added = mentioned.filter((p) => !before.has(p.handle.toLowerCase()))
  await notifyReaders(db, thread.spaceId, added.map((p) => ({ userId: p.id, kind: 'mention' as const, text: `${name} mentioned you in “${input.title}”`, url: threadPath(access.community.slug, thread.id), spaceId: thread.spaceId })), userId)
}

/** Edits a reply (its author, or an admin), keeping the previous version in the history. */
export async function editReply(db: Db, actor: Actor, access: CommunityAccess, thread: Thread, reply: Reply, input: { body: string }): Promise<void> {
  const userId = requireSignedIn(actor)
  if (!(await can(db, actor, 'edit', 'reply', replyFacts(reply, thread)))) throw forbidden('You can only edit your own messages')
  if (reply.body === input.body) return
  const before = new Set(extractMentions(reply.body))
  const { html, mentioned } = await renderBody(db, input.body, 'body')
  const t = now()
  await insertRevision(db, { id: newId(), subject_type: 'reply', subject_id: reply.id, title: null, body: reply.body, edited_by: userId, created_at: t })
  await updateReplyText(db, reply.id, { body: input.body, body_html: html, edited_at: t })
  await indexReply(db, access.community.slug, thread.title, { ...reply, body: input.body })
  const name = await nameOf(db, userId)
  const added = mentioned.filter((p) => !before.has(p.handle.toLowerCase()))
  await notifyReaders(db, thread.spaceId, added.map((p) => ({ userId: p.id, kind: 'mention' as const, text: `${name} mentioned you in “${thread.title}”`, url: replyPath(access.community.slug, thread.id, reply.id), spaceId: thread.spaceId })), userId)
}

/** Pins/unpins or locks/unlocks a thread (hosts and moderators); written to the audit log. */
export async function setThreadFlag(db: Db, actor: Actor, access: CommunityAccess, thread: Thread, flag: 'pinned' | 'locked', on: boolean): Promise<void> {
  if (!access.canModerate) throw forbidden()
  await updateThreadFlag(db, thread.id, flag, on)
  const action = flag === 'pinned' ? (on ? 'thread.pin' : 'thread.unpin') : on ? 'thread.lock' : 'thread.unlock'
  await audit(db, { actorId: actor.userId, action, subjectType: 'thread', subjectId: thread.id, spaceId: thread.spaceId, subjectTitle: thread.title, subjectUrl: threadPath(access.community.slug, thread.id) })
}

/** Whether the actor may see one thread (hidden threads only to their author, the space's moderators and admins). */
export async function canSeeThread(db: Db, actor: Actor, thread: Thread): Promise<boolean> {
  return can(db, actor, 'view', 'thread', threadFacts(thread))
}
