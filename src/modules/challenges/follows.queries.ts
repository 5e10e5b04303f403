import { visibleTo, type Actor } from '../../core/access/policy.ts'
import { inWindow, shownAfterMark, type ActivityWindow, type PublishedMark } from '../../core/activity.ts'
import { CHALLENGE_ACCESS } from './challenges.queries.ts'
import { IDEA_ACCESS } from './ideas.queries.ts'
import type { ChallengesDb, OrganiserKind } from './challenges.tables.ts'

/** Challenges the actor may see, put by these organisers, in a window of the activity timeline (by when they were put). Hidden ones are left out. */
export async function challengeActivityRows(db: ChallengesDb, actor: Actor, organisers: Array<{ kind: OrganiserKind; id: string }>, window: ActivityWindow) {
  if (!organisers.length) return []
  const at = new Date().toISOString()
  return db
    .selectFrom('challenges')
    .select(['id', 'slug', 'title', 'summary', 'organiser_kind', 'organiser_id', 'created_at'])
    .where('challenges.hidden_at', 'is', null)
    .where((eb) => visibleTo(actor, eb, CHALLENGE_ACCESS, at))
    .where((eb) => inWindow(eb, 'challenge', 'challenges.created_at', 'challenges.id', window, at))
    .where((eb) => eb.or(organisers.map((o) => eb.and([eb('challenges.organiser_kind', '=', o.kind), eb('challenges.organiser_id', '=', o.id)]))))
    .orderBy('challenges.created_at', 'desc')
    .orderBy('challenges.id', 'desc')
    .limit(window.limit)
    .execute()
}

/** Every challenge shown (not hidden) put after the fan-out's mark `since` up to `until`, oldest first: the follows module's fan-out. */
export async function challengesPutBetween(db: ChallengesDb, since: PublishedMark, until: string, limit: number) {
  return db
    .selectFrom('challenges')
    .select(['id', 'created_at', 'created_by', 'organiser_kind', 'organiser_id', 'space_id'])
    .$call((q) => shownAfterMark(q, 'created_at', since, until, limit))
    .execute()
}

/** Of these challenges, those the actor may see now (not hidden): what a follow of a challenge names. */
export async function visibleChallengesByIds(db: ChallengesDb, actor: Actor, ids: string[]) {
  if (!ids.length) return []
  const at = new Date().toISOString()
  return db
    .selectFrom('challenges')
    .select(['id', 'slug', 'title'])
    .where('challenges.id', 'in', ids)
    .where('challenges.hidden_at', 'is', null)
    .where((eb) => visibleTo(actor, eb, CHALLENGE_ACCESS, at))
    .execute()
}

/** Ideas the actor may see, in these challenges (themselves shown and visible), in a window of the activity timeline. */
export async function ideaActivityRows(db: ChallengesDb, actor: Actor, challengeIds: string[], window: ActivityWindow) {
  if (!challengeIds.length) return []
  const at = new Date().toISOString()
  return db
    .selectFrom('challenge_ideas')
    .innerJoin('challenges', 'challenges.id', 'challenge_ideas.challenge_id')
    .select(['challenge_ideas.id', 'challenge_ideas.title', 'challenge_ideas.body', 'challenge_ideas.challenge_id', 'challenge_ideas.shown_at', 'challenges.slug', 'challenges.title as challenge_title'])
    .where('challenge_ideas.challenge_id', 'in', challengeIds)
    .where('challenge_ideas.hidden_at', 'is', null)
    .where('challenges.hidden_at', 'is', null)
    .where((eb) => visibleTo(actor, eb, IDEA_ACCESS, at))
    .where((eb) => visibleTo(actor, eb, CHALLENGE_ACCESS, at))
    .where((eb) => inWindow(eb, 'challenge_idea', 'challenge_ideas.shown_at', 'challenge_ideas.id', window, at))
    .orderBy('challenge_ideas.shown_at', 'desc')
    .orderBy('challenge_ideas.id', 'desc')
    .limit(window.limit)
    .execute()
}

/** Every idea shown (not hidden) whose showing (sent, or approved after waiting: decision 0038) falls after the fan-out's mark `since` up to `until`, oldest first. */
export async function ideasSentBetween(db: ChallengesDb, since: PublishedMark, until: string, limit: number) {
  return db
    .selectFrom('challenge_ideas')
    .select(['id', 'shown_at', 'author_id', 'challenge_id', 'space_id'])
    .$call((q) => shownAfterMark(q, 'shown_at', since, until, limit))
    .execute()
}
