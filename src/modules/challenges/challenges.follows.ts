import { idsOf, type ActivitySource } from '../../core/activity.ts'
import type { OrganiserKind } from './challenges.tables.ts'
import { challengeActivityRows, challengesPutBetween } from './follows.queries.ts'

const ORGANISERS: OrganiserKind[] = ['organisation', 'community']

/** New challenges put by followed organisations and communities. */
export const challengeActivity: ActivitySource = {
  label: 'New challenges',
  async list(db, actor, subjects, window) {
    const organisers = ORGANISERS.flatMap((kind) => idsOf(subjects, kind).map((id) => ({ kind, id })))
    const rows = await challengeActivityRows(db, actor, organisers, window)
    return rows.map((c) => ({
      type: 'challenge',
      id: c.id,
      title: c.title,
      url: `/challenges/${c.slug}`,
      summary: c.summary,
      at: c.created_at,
      subjects: [{ kind: c.organiser_kind as string, id: c.organiser_id }],
    }))
  },
  async published(db, since, until, limit) {
    const rows = await challengesPutBetween(db, since, until, limit)
    return rows.map((c) => ({ id: c.id, at: c.created_at, actors: [c.created_by], spaceId: c.space_id, subjects: [{ kind: c.organiser_kind as string, id: c.organiser_id }] }))
  },
}
