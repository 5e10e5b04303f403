import { idsOf, type ActivitySource, type Followable } from '../../core/activity.ts'
import type { OrganiserKind } from './events.tables.ts'
import { eventActivityRows, eventsAnnouncedBetween, visibleEventsByIds } from './events.queries.ts'

/** Events, followed for what happens to them (their page, their notes). */
export const eventFollowable: Followable = {
  label: 'event',
  async load(db, actor, ids) {
    const rows = await visibleEventsByIds(db, actor, ids)
    return new Map(rows.map((e) => [e.id, { title: e.title, url: `/events/${e.slug}` }]))
  },
}

const ORGANISERS: OrganiserKind[] = ['person', 'organisation', 'project', 'community']

/** New events organised by followed people, organisations, projects and communities, or held in followed communities. */
export const eventActivity: ActivitySource = {
  label: 'New events',
  async list(db, actor, subjects, window) {
    const organisers = ORGANISERS.flatMap((kind) => idsOf(subjects, kind).map((id) => ({ kind, id })))
    const communities = idsOf(subjects, 'community')
    const rows = await eventActivityRows(db, actor, organisers, communities, window)
    return rows.map((e) => ({
      type: 'event',
      id: e.id,
      title: e.cancelled_at ? `${e.title} (cancelled)` : e.title,
      url: `/events/${e.slug}`,
      summary: e.excerpt,
      at: e.shown_at!,
      subjects: [
        ...(organisers.some((o) => o.kind === e.organiser_kind && o.id === e.organiser_id) ? [{ kind: e.organiser_kind as string, id: e.organiser_id }] : []),
        ...(e.space_id && communities.includes(e.space_id) && e.organiser_kind !== 'community' ? [{ kind: 'community', id: e.space_id }] : []),
      ],
    }))
  },
  async published(db, since, until, limit) {
    const rows = await eventsAnnouncedBetween(db, since, until, limit)
    return rows.map((e) => ({ id: e.id, at: e.shown_at!, actors: [e.created_by], spaceId: e.space_id, subjects: [{ kind: e.organiser_kind as string, id: e.organiser_id }, ...(e.space_id && e.organiser_kind !== 'community' ? [{ kind: 'community', id: e.space_id }] : [])] }))
  },
}
