import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely'
import { publiclyVisible, visibleTo, type Actor } from '../../core/access/policy.ts'
import { afterCursor, paginate, type Cursor } from '../../core/http/pagination.ts'
import type { ChallengesDb, ChallengesTable, OrganiserKind } from './challenges.tables.ts'
import type { Phase } from './phases.ts'

export type ChallengeRow = ChallengesTable

/** The access columns of the challenges table, for `visibleTo`: a community's space, hidden by a moderator, its creator. */
export const CHALLENGE_ACCESS = { space: 'challenges.space_id', hidden: 'challenges.hidden_at', author: 'challenges.created_by' }

export async function findChallengeBySlug(db: ChallengesDb, slug: string): Promise<ChallengeRow | undefined> {
  if (slug.length > 100) return undefined
  return db.selectFrom('challenges').selectAll().where('slug', '=', slug).executeTakeFirst()
}

export async function findChallengeById(db: ChallengesDb, id: string): Promise<ChallengeRow | undefined> {
  if (id.length > 100) return undefined
  return db.selectFrom('challenges').selectAll().where('id', '=', id).executeTakeFirst()
}

/** Slugs taken by `base` or its numbered forms, in one query. */
export async function challengeSlugsLike(db: ChallengesDb, base: string): Promise<Set<string>> {
  const rows = await db.selectFrom('challenges').select('slug').where((eb) => eb.or([eb('slug', '=', base), eb('slug', 'like', `${base}-%`)])).execute()
  return new Set(rows.map((r) => r.slug))
}

export async function insertChallenge(db: ChallengesDb, row: ChallengeRow, themes: string[]): Promise<void> {
  await db.insertInto('challenges').values(row).execute()
  if (themes.length) await db.insertInto('challenge_themes').values(themes.map((theme) => ({ challenge_id: row.id, theme }))).execute()
}

/**
 * Reads the challenge under its row lock for the rest of the transaction (PostgreSQL: the lock an UPDATE holds;
 * SQLite: the database's write lock), so an idea and a hand move of the phase are ordered: an idea sent while an
 * organiser closes ideas is either in before the move or refused after it, never saved behind it.
 */
export async function lockedChallenge(db: ChallengesDb, id: string): Promise<ChallengeRow | undefined> {
  await db.updateTable('challenges').set((eb) => ({ updated_at: eb.ref('updated_at') })).where('id', '=', id).execute()
  return findChallengeById(db, id)
}

export async function updateChallengeRow(db: ChallengesDb, id: string, changes: Partial<Omit<ChallengeRow, 'id'>>): Promise<void> {
  await db.updateTable('challenges').set(changes).where('id', '=', id).execute()
}

export async function replaceThemes(db: ChallengesDb, challengeId: string, themes: string[]): Promise<void> {
  await db.deleteFrom('challenge_themes').where('challenge_id', '=', challengeId).execute()
  if (themes.length) await db.insertInto('challenge_themes').values(themes.map((theme) => ({ challenge_id: challengeId, theme }))).execute()
}

/** Themes of each challenge, keyed by challenge id. */
export async function themesOf(db: ChallengesDb, ids: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>()
  if (ids.length === 0) return out
  const rows = await db.selectFrom('challenge_themes').select(['challenge_id', 'theme']).where('challenge_id', 'in', ids).orderBy('theme').execute()
  for (const r of rows) out.set(r.challenge_id, [...(out.get(r.challenge_id) ?? []), r.theme])
  return out
}

/**
 * SQL: the challenge is in `phase` at `at` — the rule of phases.ts (`phaseOf`) in SQL: an organiser's move
 * holds from its time until the next date passes; otherwise the dates decide.
 */
function inPhase(eb: ExpressionBuilder<any, any>, phase: Phase, at: string): Expression<SqlBool> {
  const since = sql<string>`case when challenges.closes_at <= ${at} then challenges.closes_at when challenges.winners_at <= ${at} then challenges.winners_at when challenges.shortlist_at <= ${at} then challenges.shortlist_at when challenges.review_at <= ${at} then challenges.review_at when challenges.ideas_open_at <= ${at} then challenges.ideas_open_at else '' end`
  const moved = eb.and([eb('challenges.moved_at', 'is not', null), eb('challenges.moved_at', '<=', at), eb('challenges.moved_at', '>=', since)])
  const range: Record<Phase, Expression<SqlBool>> = {
    upcoming: eb('challenges.ideas_open_at', '>', at),
    ideas: eb.and([eb('challenges.ideas_open_at', '<=', at), eb('challenges.review_at', '>', at)]),
    review: eb.and([eb('challenges.review_at', '<=', at), eb('challenges.shortlist_at', '>', at)]),
    shortlist: eb.and([eb('challenges.shortlist_at', '<=', at), eb('challenges.winners_at', '>', at)]),
    winners: eb.and([eb('challenges.winners_at', '<=', at), eb('challenges.closes_at', '>', at)]),
    closed: eb('challenges.closes_at', '<=', at),
  }
  return eb.or([eb.and([moved, eb('challenges.moved_phase', '=', phase)]), eb.and([eb.not(moved), range[phase]])])
}

export interface ChallengeFilter {
  phase?: Phase
  theme?: string
  organiser?: { kind: OrganiserKind; id: string }
  spaceId?: string
  cursor: Cursor | null
  limit: number
}

/** A page of challenges the actor may see, newest first (keyset on created_at, id). */
export async function listChallengeRows(db: ChallengesDb, actor: Actor, filter: ChallengeFilter, at = new Date().toISOString()): Promise<{ items: ChallengeRow[]; next: string | null }> {
  let q = db.selectFrom('challenges').selectAll('challenges').where((eb) => visibleTo(actor, eb, CHALLENGE_ACCESS))
  if (filter.phase) q = q.where((eb) => inPhase(eb, filter.phase!, at))
  if (filter.theme) q = q.where('challenges.id', 'in', (eb) => eb.selectFrom('challenge_themes').select('challenge_themes.challenge_id').where('challenge_themes.theme', '=', filter.theme!))
  if (filter.organiser) q = q.where('challenges.organiser_kind', '=', filter.organiser.kind).where('challenges.organiser_id', '=', filter.organiser.id)
  if (filter.spaceId) q = q.where('challenges.space_id', '=', filter.spaceId)
  if (filter.cursor) q = q.where((eb) => afterCursor(eb, 'challenges.created_at', 'challenges.id', filter.cursor!))
  const rows = await q.orderBy('challenges.created_at', 'desc').orderBy('challenges.id', 'desc').limit(filter.limit + 1).execute()
  return paginate(rows, filter.limit, (c) => ({ at: c.created_at, id: c.id }))
}

/** Themes of challenges the actor may see, for the list's filter. */
export async function visibleThemes(db: ChallengesDb, actor: Actor): Promise<string[]> {
  const rows = await db
    .selectFrom('challenge_themes')
    .innerJoin('challenges', 'challenges.id', 'challenge_themes.challenge_id')
    .select('challenge_themes.theme')
    .distinct()
    .where((eb) => visibleTo(actor, eb, CHALLENGE_ACCESS))
    .orderBy('challenge_themes.theme')
    .limit(200)
    .execute()
  return rows.map((r) => r.theme)
}

/** Public challenges for the sitemap. */
export async function publicChallengePaths(db: ChallengesDb): Promise<Array<{ path: string; updated?: string }>> {
  const rows = await db.selectFrom('challenges').select(['slug', 'updated_at']).where((eb) => publiclyVisible(eb, CHALLENGE_ACCESS)).orderBy('created_at', 'desc').limit(10_000).execute()
  return rows.map((r) => ({ path: `/challenges/${r.slug}`, updated: r.updated_at }))
}

export async function setChallengeHiddenAt(db: ChallengesDb, id: string, at: string | null): Promise<void> {
  await db.updateTable('challenges').set({ hidden_at: at }).where('id', '=', id).execute()
}
