import { idsOf, type ActivitySource } from '../../core/activity.ts'
import { readingActivityRows, readingAddedBetween } from './follows.queries.ts'

/** Links added to the reading list by followed people, or tagged with followed tags. */
export const readingActivity: ActivitySource = {
  label: 'New on the reading list',
  async list(db, actor, subjects, window) {
    const about = { people: idsOf(subjects, 'person'), tags: idsOf(subjects, 'tag') }
    const rows = await readingActivityRows(db, actor, about, window)
    return rows.map((r) => ({
      type: 'reading',
      id: r.id,
      title: r.title,
      url: `/reading/${r.slug}`,
      summary: r.summary,
      at: r.shown_at!,
      subjects: [...(about.people.includes(r.added_by) ? [{ kind: 'person', id: r.added_by }] : []), ...r.tags.filter((t) => about.tags.includes(t)).map((id) => ({ kind: 'tag', id }))],
    }))
  },
  async published(db, since, until, limit) {
    const rows = await readingAddedBetween(db, since, until, limit)
    return rows.map((r) => ({ id: r.id, at: r.shown_at!, actors: [r.added_by], spaceId: null, subjects: [{ kind: 'person', id: r.added_by }, ...r.tags.map((id) => ({ kind: 'tag', id }))] }))
  },
}
