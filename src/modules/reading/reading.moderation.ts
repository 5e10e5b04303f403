import type { ModeratableType } from '../../core/module.ts'
import { setReadingItemHidden } from './reading.ts'
import { readingFacts } from './reading.policy.ts'
import { findItemById } from './reading.queries.ts'

/** Reading-list items in the moderation registry (hiding one takes it out of search too). */
export const readingModeration: ModeratableType<'reading_item'> = {
  label: 'reading list link',
  async load(db, id) {
    const r = await findItemById(db, id)
    return r ? { spaceId: null, authorId: r.added_by, title: r.title, url: `/reading/${r.slug}`, hiddenAt: r.hidden_at, resource: readingFacts(r) } : null
  },
  setHidden: setReadingItemHidden,
}
