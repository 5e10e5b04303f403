import { idsOf, type ActivitySource, type Followable } from '../../core/activity.ts'
import type { OrganiserKind } from './challenges.tables.ts'
import { challengeActivityRows, challengesPutBetween, ideaActivityRows, ideasSentBetween, visibleChallengesByIds } from './follows.queries.ts'

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

/** Challenges, followed for the ideas sent to them. */
export const challengeFollowable: Followable = {
  label: 'challenge',
  async load(db, actor, ids) {
    const rows = await visibleChallengesByIds(db, actor, ids)
    return new Map(rows.map((c) => [c.id, { title: c.title, url: `/challenges/${c.slug}` }]))
  },
}

const excerpt = (s: string) => (s.length > 200 ? `${s.slice(0, 199).trimEnd()}…` : s)

/** New ideas in followed challenges, as the reader may see them (the idea and its challenge). */
export const ideaActivity: ActivitySource = {
  label: 'New ideas in challenges',
  async list(db, actor, subjects, window) {
    const rows = await ideaActivityRows(db, actor, idsOf(subjects, 'challenge'), window)
    return rows.map((i) => ({
      type: 'challenge_idea',
      id: i.id,
      title: `${i.title} (an idea for ${i.challenge_title})`,
      url: `/challenges/${i.slug}/ideas/${i.id}`,
      summary: excerpt(i.body.replace(/\s+/g, ' ').trim()),
      at: i.shown_at!,
      subjects: [{ kind: 'challenge', id: i.challenge_id }],
    }))
  },
  async published(db, since, until, limit) {
    const rows = await ideasSentBetween(db, since, until, limit)
    return rows.map((i) => ({ id: i.id, at: i.shown_at!, actors: [i.author_id], spaceId: i.space_id, subjects: [{ kind: 'challenge', id: i.challenge_id }] }))
  },
}
