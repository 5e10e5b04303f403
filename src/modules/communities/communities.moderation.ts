import type { Db } from '../../core/db/database.ts'
import { now } from '../../core/db/ids.ts'
import type { ModeratableType } from '../../core/module.ts'
import { findCommunityById } from './communities.queries.ts'
import { findReply, findThread, setReplyHiddenAt, setThreadHiddenAt } from './discussions.queries.ts'
import { findDocument, setDocumentHiddenAt } from './library.queries.ts'
import { indexReply, indexThread, indexThreadReplies, replyPath, threadPath } from './discussions.ts'
import { documentFacts, replyFacts, threadFacts } from './communities.policy.ts'

/** Threads, for the moderation module: hiding also takes the thread out of search. */
export const threadModeration: ModeratableType<'thread'> = {
  label: 'thread',
  async load(db, id) {
    const t = await findThread(db, id)
    if (!t) return null
    const c = await findCommunityById(db, t.spaceId)
    return { spaceId: t.spaceId, authorId: t.authorId, title: t.title, url: threadPath(c?.slug ?? '', t.id), hiddenAt: t.hiddenAt, resource: threadFacts(t) }
  },
  async setHidden(db: Db, id: string, hidden: boolean) {
    const t = await findThread(db, id)
    if (!t) return
    const hiddenAt = hidden ? now() : null
    await setThreadHiddenAt(db, id, hiddenAt)
    const c = await findCommunityById(db, t.spaceId)
    await indexThread(db, c?.slug ?? '', { ...t, hiddenAt })
    // A hidden thread takes its replies (which carry its title) out of search with it.
    await indexThreadReplies(db, c?.slug ?? '', { ...t, hiddenAt })
  },
}

/** Replies, for the moderation module. */
export const replyModeration: ModeratableType<'reply'> = {
  label: 'reply',
  async load(db, id) {
    const r = await findReply(db, id)
    if (!r) return null
    const t = await findThread(db, r.threadId)
    if (!t) return null
    const c = await findCommunityById(db, r.spaceId)
    return { spaceId: r.spaceId, authorId: r.authorId, title: `Reply to “${t.title}”: ${r.body.slice(0, 80)}`, url: replyPath(c?.slug ?? '', r.threadId, r.id), hiddenAt: r.hiddenAt, resource: replyFacts(r, t) }
  },
  async setHidden(db: Db, id: string, hidden: boolean) {
    const r = await findReply(db, id)
    if (!r) return
    const hiddenAt = hidden ? now() : null
    await setReplyHiddenAt(db, id, hiddenAt)
    const t = await findThread(db, r.threadId)
    const c = await findCommunityById(db, r.spaceId)
    await indexReply(db, c?.slug ?? '', t?.title ?? '', { ...r, hiddenAt })
  },
}

/** Library documents and links, for the moderation module (not in search). */
export const documentModeration: ModeratableType<'document'> = {
  label: 'document',
  async load(db, id) {
    const d = await findDocument(db, id)
    if (!d) return null
    const c = await findCommunityById(db, d.spaceId)
    return { spaceId: d.spaceId, authorId: d.authorId, title: d.title, url: `/communities/${c?.slug ?? ''}/library`, hiddenAt: d.hiddenAt, resource: documentFacts(d) }
  },
  async setHidden(db: Db, id: string, hidden: boolean) {
    await setDocumentHiddenAt(db, id, hidden ? now() : null)
  },
}
