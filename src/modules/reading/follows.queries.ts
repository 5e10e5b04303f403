import { visibleTo, type Actor } from '../../core/access/policy.ts'
import { inWindow, shownAfterMark, type ActivityWindow, type PublishedMark } from '../../core/activity.ts'
import { READING_ACCESS } from './reading.queries.ts'
import type { ReadingDb } from './reading.tables.ts'

/**
 * Links the actor may see, added by these people or tagged with these tags, in a window of the activity timeline
 * (by when they were shown: added, or approved after waiting), each with its tags. Hidden ones are left out, for their adders too.
 */
export async function readingActivityRows(db: ReadingDb, actor: Actor, about: { people: string[]; tags: string[] }, window: ActivityWindow) {
  if (!about.people.length && !about.tags.length) return []
  const at = new Date().toISOString()
  const rows = await db
    .selectFrom('reading_items')
    .select(['id', 'slug', 'title', 'summary', 'added_by', 'shown_at'])
    .where('reading_items.hidden_at', 'is', null)
    .where((eb) => visibleTo(actor, eb, READING_ACCESS, at))
    .where((eb) => inWindow(eb, 'reading', 'reading_items.shown_at', 'reading_items.id', window, at))
    .where((eb) => {
      const any = []
      if (about.people.length) any.push(eb('reading_items.added_by', 'in', about.people))
      if (about.tags.length) any.push(eb('reading_items.id', 'in', eb.selectFrom('reading_item_tags').select('reading_item_tags.item_id').where('reading_item_tags.tag', 'in', about.tags)))
      return eb.or(any)
    })
    .orderBy('reading_items.shown_at', 'desc')
    .orderBy('reading_items.id', 'desc')
    .limit(window.limit)
    .execute()
  return withTags(db, rows)
}

/** Every link shown (not hidden) added after the fan-out's mark `since` up to `until`, oldest first, with its tags: the follows module's fan-out. */
export async function readingAddedBetween(db: ReadingDb, since: PublishedMark, until: string, limit: number) {
  const rows = await db
    .selectFrom('reading_items')
    .select(['id', 'shown_at', 'added_by'])
    .$call((q) => shownAfterMark(q, 'shown_at', since, until, limit))
    .execute()
  return withTags(db, rows)
}

async function withTags<T extends { id: string }>(db: ReadingDb, rows: T[]): Promise<Array<T & { tags: string[] }>> {
  const tags = rows.length ? await db.selectFrom('reading_item_tags').select(['item_id', 'tag']).where('item_id', 'in', rows.map((r) => r.id)).execute() : []
  return rows.map((r) => ({ ...r, tags: tags.filter((t) => t.item_id === r.id).map((t) => t.tag) }))
}
