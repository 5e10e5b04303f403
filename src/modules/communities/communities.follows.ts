import { idsOf, type ActivitySource, type Followable } from '../../core/activity.ts'
import { threadActivityRows, threadsStartedBetween, visibleCommunitiesByIds } from './follows.queries.ts'

/** Communities, followed by the people who may see them. */
export const communityFollowable: Followable = {
  label: 'community',
  async load(db, actor, ids) {
    const rows = await visibleCommunitiesByIds(db, actor, ids)
    return new Map(rows.map((c) => [c.id, { title: c.name, url: `/communities/${c.slug}` }]))
  },
}

/** New discussions in followed communities, or started by followed people. */
export const threadActivity: ActivitySource = {
  label: 'New discussions',
  async list(db, actor, subjects, window) {
    const about = { communities: idsOf(subjects, 'community'), people: idsOf(subjects, 'person') }
    const rows = await threadActivityRows(db, actor, about, window)
    return rows.map((t) => ({
      type: 'thread',
      id: t.id,
      title: t.title,
      url: `/communities/${t.communitySlug}/threads/${t.id}`,
      summary: `In ${t.communityName}: ${t.body.replace(/\s+/g, ' ').slice(0, 200)}`,
      at: t.shown_at!,
      subjects: [
        ...(about.communities.includes(t.space_id) ? [{ kind: 'community', id: t.space_id }] : []),
        ...(about.people.includes(t.author_id) ? [{ kind: 'person', id: t.author_id }] : []),
      ],
    }))
  },
  async published(db, since, until, limit) {
    const rows = await threadsStartedBetween(db, since, until, limit)
    return rows.map((t) => ({ id: t.id, at: t.shown_at!, actors: [t.author_id], spaceId: t.space_id, subjects: [{ kind: 'community', id: t.space_id }, { kind: 'person', id: t.author_id }] }))
  },
}
