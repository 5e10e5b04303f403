import type { ActivitySource, Followable } from '../../core/activity.ts'
import { idsOf } from '../../core/activity.ts'
import { postActivityRows, postsPublishedBetween, visibleTags } from './posts.queries.ts'

/** New posts and weeknotes by followed people, of followed projects, organisations and communities, with followed tags. */
export const postActivity: ActivitySource = {
  label: 'New posts and weeknotes',
  async list(db, actor, subjects, window) {
    const about = { people: idsOf(subjects, 'person'), projects: idsOf(subjects, 'project'), organisations: idsOf(subjects, 'organisation'), communities: idsOf(subjects, 'community'), tags: idsOf(subjects, 'tag') }
    const rows = await postActivityRows(db, actor, about, window)
    return rows.map((r) => ({
      type: 'post',
      id: r.id,
      title: r.title,
      url: `/posts/${r.slug}`,
      summary: r.excerpt,
      at: r.published_at!,
      subjects: [
        ...r.authorIds.map((id) => ({ kind: 'person', id })),
        ...(r.project_id && about.projects.includes(r.project_id) ? [{ kind: 'project', id: r.project_id }] : []),
        ...(r.organisation_id && about.organisations.includes(r.organisation_id) ? [{ kind: 'organisation', id: r.organisation_id }] : []),
        ...(r.space_id && about.communities.includes(r.space_id) ? [{ kind: 'community', id: r.space_id }] : []),
        ...r.tags.map((id) => ({ kind: 'tag', id })),
      ],
    }))
  },
  async published(db, since, until, limit) {
    const rows = await postsPublishedBetween(db, since, until, limit)
    return rows.map((r) => ({
      id: r.id,
      at: r.published_at!,
      actors: r.authorIds,
      spaceId: r.space_id,
      subjects: [
        ...r.authorIds.map((id) => ({ kind: 'person', id })),
        ...(r.project_id ? [{ kind: 'project', id: r.project_id }] : []),
        ...(r.organisation_id ? [{ kind: 'organisation', id: r.organisation_id }] : []),
        ...(r.space_id ? [{ kind: 'community', id: r.space_id }] : []),
        ...r.tags.map((id) => ({ kind: 'tag', id })),
      ],
    }))
  },
}

/** Tags: followed by name; one exists for a reader while a post they may read carries it. */
export const tagFollowable: Followable = {
  label: 'tag',
  async load(db, actor, ids) {
    const tags = await visibleTags(db, actor, ids)
    return new Map(tags.map((t) => [t, { title: t, url: `/tags/${encodeURIComponent(t)}` }]))
  },
}
