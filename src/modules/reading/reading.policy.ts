import { definePolicy } from '../../core/access/can.ts'
import { siteContentRules, type ContentFacts } from '../../core/access/spaces.policy.ts'
import type { ReadingRow } from './reading.queries.ts'

declare module '../../core/access/can.ts' {
  interface Resources {
    reading_item: ContentFacts
  }
}

export const readingFacts = (r: ReadingRow): ContentFacts => ({ spaceId: r.space_id, authorIds: [r.added_by], hiddenAt: r.hidden_at })

/**
 * The reading list is site content: anyone reads an item unless a moderator hid it (then the member who
 * added it and platform admins); that member edits and removes it; anyone signed in who reads it may report it.
 */
export const readingPolicy = definePolicy('reading_item', siteContentRules)
