import { definePolicy } from '../../core/access/can.ts'
import { contentRules, viewContent, type ContentFacts } from '../../core/access/spaces.policy.ts'
import type { Reply, Thread } from './discussions.queries.ts'
import type { LibraryDocument } from './library.queries.ts'

/** A reply is seen only where its thread is: a hidden thread takes its replies with it. */
export type ReplyFacts = ContentFacts & { thread: ContentFacts }

declare module '../../core/access/can.ts' {
  interface Resources {
    thread: ContentFacts
    reply: ReplyFacts
    document: ContentFacts
  }
}

export const threadFacts = (t: Thread): ContentFacts => ({ spaceId: t.spaceId, authorIds: [t.authorId], hiddenAt: t.hiddenAt })
export const replyFacts = (r: Reply, t: Thread): ReplyFacts => ({ spaceId: r.spaceId, authorIds: [r.authorId], hiddenAt: r.hiddenAt, thread: threadFacts(t) })
export const documentFacts = (d: LibraryDocument): ContentFacts => ({ spaceId: d.spaceId, authorIds: [d.authorId], hiddenAt: d.hiddenAt })

/**
 * Discussions and the library of a community: content in its space, with the shared content
 * rules (core/access/spaces.policy.ts). The community itself is its space (`can(…, 'space', …)`):
 * members take part, hosts and moderators moderate, hosts alone manage settings and members.
 */
export const threadPolicy = definePolicy('thread', contentRules)

export const replyPolicy = definePolicy('reply', {
  view: async (actor, r, ctx) => (await viewContent(actor, r.thread, ctx)) && viewContent(actor, r, ctx),
  edit: async (actor, r, ctx) => (await viewContent(actor, r.thread, ctx)) && contentRules.edit(actor, r, ctx),
  moderate: async (actor, r, ctx) => (await viewContent(actor, r.thread, ctx)) && contentRules.moderate(actor, r, ctx),
  report: async (actor, r, ctx) => (await viewContent(actor, r.thread, ctx)) && contentRules.report(actor, r, ctx),
})

export const documentPolicy = definePolicy('document', contentRules)
