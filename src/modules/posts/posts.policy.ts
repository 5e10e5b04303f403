import { definePolicy } from '../../core/access/can.ts'
import { contentRules, viewContent, type ContentFacts } from '../../core/access/spaces.policy.ts'

/** A comment is seen only where its post is: a hidden (or unpublished) post takes its comments with it. */
export type CommentFacts = ContentFacts & { post: ContentFacts }

declare module '../../core/access/can.ts' {
  interface Resources {
    post: ContentFacts
    /** A comment: its own author and hidden state, in its post's space, and the post it is on. */
    comment: CommentFacts
  }
}

/**
 * Posts and weeknotes, and comments on them: content in a space (or site content), with the
 * shared content rules. Authors and co-authors edit; drafts and scheduled posts are theirs alone
 * until published; hidden ones stay visible to their authors and those who moderate there.
 */
export const postPolicy = definePolicy('post', contentRules)

export const commentPolicy = definePolicy('comment', {
  view: async (actor, c, ctx) => (await viewContent(actor, c.post, ctx)) && viewContent(actor, c, ctx),
  moderate: async (actor, c, ctx) => (await viewContent(actor, c.post, ctx)) && contentRules.moderate(actor, c, ctx),
  report: async (actor, c, ctx) => (await viewContent(actor, c.post, ctx)) && contentRules.report(actor, c, ctx),
})
