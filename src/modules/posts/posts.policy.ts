import { definePolicy } from '../../core/access/can.ts'
import { contentRules, type ContentFacts } from '../../core/access/spaces.policy.ts'

declare module '../../core/access/can.ts' {
  interface Resources {
    post: ContentFacts
    /** A comment: its own author and hidden state, with its post's space and publication. */
    comment: ContentFacts
  }
}

/**
 * Posts and weeknotes, and comments on them: content in a space (or site content), with the
 * shared content rules. Authors and co-authors edit; drafts and scheduled posts are theirs alone
 * until published; hidden ones stay visible to their authors and those who moderate there.
 */
export const postPolicy = definePolicy('post', contentRules)

export const commentPolicy = definePolicy('comment', { view: contentRules.view, moderate: contentRules.moderate, report: contentRules.report })
