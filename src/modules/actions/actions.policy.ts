import { definePolicy } from '../../core/access/can.ts'
import { siteContentRules, type ContentFacts } from '../../core/access/spaces.policy.ts'
import type { ActionRow } from './actions.queries.ts'

declare module '../../core/access/can.ts' {
  interface Resources {
    practical_action: ContentFacts
  }
}

/** A practical action's facts: site content by its author, without drafts. */
export const actionFacts = (a: ActionRow): ContentFacts => ({ spaceId: a.space_id, authorIds: [a.author_id], hiddenAt: a.hidden_at })

/**
 * Practical actions are site content: anyone reads them unless a moderator hid them (then their
 * author and platform admins); their author removes them; anyone signed in who reads one may report it.
 * The project an action names is shown only to readers who may see the project (the use case labels it).
 */
export const actionPolicy = definePolicy('practical_action', siteContentRules)
