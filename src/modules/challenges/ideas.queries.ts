import { sql } from 'kysely'
import { publiclyVisible, visibleTo, type Actor } from '../../core/access/policy.ts'
import { readerRowsIn } from '../../core/access/reader-facts.ts'
import { afterCursor, paginate, type Cursor } from '../../core/http/pagination.ts'
import type { ChallengeIdeaCommentsTable, ChallengeIdeaRevisionsTable, ChallengeIdeasTable, ChallengeReviewsTable, ChallengesDb } from './challenges.tables.ts'
import type { IdeaSort } from './challenges.schemas.ts'

export type IdeaRow = ChallengeIdeasTable
export type CommentRow = ChallengeIdeaCommentsTable
export type RevisionRow = ChallengeIdeaRevisionsTable
export type ReviewRow = ChallengeReviewsTable

export const IDEA_ACCESS = { space: 'challenge_ideas.space_id', hidden: 'challenge_ideas.hidden_at', author: 'challenge_ideas.author_id' }
export const COMMENT_ACCESS = { space: 'challenge_idea_comments.space_id', hidden: 'challenge_idea_comments.hidden_at', author: 'challenge_idea_comments.author_id' }

/**
 * "Random" order: (shuffle_key × seed) mod a prime is a permutation of the ideas, different for each reader's
 * seed and the same on every page they turn. 46337 is the largest prime whose square fits a 32-bit integer,
 * so the product stays an integer on both databases.
 */
export const SHUFFLE_PRIME = 46337

export async function findIdea(db: ChallengesDb, challengeId: string, id: string): Promise<IdeaRow | undefined> {
  if (id.length > 100) return undefined
  return db.selectFrom('challenge_ideas').selectAll().where('id', '=', id).where('challenge_id', '=', challengeId).executeTakeFirst()
}

export async function findIdeaById(db: ChallengesDb, id: string): Promise<IdeaRow | undefined> {
  if (id.length > 100) return undefined
  return db.selectFrom('challenge_ideas').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function insertIdea(db: ChallengesDb, row: IdeaRow, authorIds: string[]): Promise<void> {
  await db.insertInto('challenge_ideas').values(row).execute()
  await db.insertInto('challenge_idea_authors').values(authorIds.map((user_id, position) => ({ idea_id: row.id, user_id, position }))).execute()
}

export async function updateIdeaRow(db: ChallengesDb, id: string, changes: Partial<Omit<IdeaRow, 'id'>>): Promise<void> {
  await db.updateTable('challenge_ideas').set(changes).where('id', '=', id).execute()
}

export async function replaceAuthors(db: ChallengesDb, ideaId: string, authorIds: string[]): Promise<void> {
  await db.deleteFrom('challenge_idea_authors').where('idea_id', '=', ideaId).execute()
  await db.insertInto('challenge_idea_authors').values(authorIds.map((user_id, position) => ({ idea_id: ideaId, user_id, position }))).execute()
}

export async function insertRevision(db: ChallengesDb, row: RevisionRow): Promise<void> {
  await db.insertInto('challenge_idea_revisions').values(row).execute()
}

export async function revisionsOf(db: ChallengesDb, ideaId: string): Promise<RevisionRow[]> {
  return db.selectFrom('challenge_idea_revisions').selectAll().where('idea_id', '=', ideaId).orderBy('revision', 'desc').limit(200).execute()
}

/** The authors of each idea, in order, keyed by idea id. */
export async function authorsOf(db: ChallengesDb, ideaIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>()
  if (ideaIds.length === 0) return out
  const rows = await db.selectFrom('challenge_idea_authors').select(['idea_id', 'user_id']).where('idea_id', 'in', ideaIds).orderBy('idea_id').orderBy('position').execute()
  for (const r of rows) out.set(r.idea_id, [...(out.get(r.idea_id) ?? []), r.user_id])
  return out
}

/**
 * Takes the idea's row lock for the rest of the transaction (PostgreSQL: the lock an UPDATE holds; SQLite: the
 * database's write lock), so votes on one idea are counted one at a time.
 */
export async function lockIdea(db: ChallengesDb, id: string): Promise<void> {
  await db.updateTable('challenge_ideas').set((eb) => ({ vote_count: eb.ref('vote_count') })).where('id', '=', id).execute()
}

/** Adds a person's vote; a second one of theirs is nothing (the primary key). */
export async function addVote(db: ChallengesDb, idea: IdeaRow, userId: string, at: string): Promise<void> {
  await db.insertInto('challenge_idea_votes').values({ idea_id: idea.id, user_id: userId, challenge_id: idea.challenge_id, created_at: at }).onConflict((oc) => oc.columns(['idea_id', 'user_id']).doNothing()).execute()
}

export async function removeVote(db: ChallengesDb, ideaId: string, userId: string): Promise<void> {
  await db.deleteFrom('challenge_idea_votes').where('idea_id', '=', ideaId).where('user_id', '=', userId).execute()
}

/** Sets the idea's count from its votes (under its row lock) and returns it. */
export async function recountVotes(db: ChallengesDb, ideaId: string): Promise<number> {
  await db
    .updateTable('challenge_ideas')
    .set((eb) => ({ vote_count: eb.selectFrom('challenge_idea_votes').select(eb.fn.countAll<number>().as('n')).where('challenge_idea_votes.idea_id', '=', ideaId) }))
    .where('id', '=', ideaId)
    .execute()
  const row = await db.selectFrom('challenge_ideas').select('vote_count').where('id', '=', ideaId).executeTakeFirstOrThrow()
  return Number(row.vote_count)
}

/** Which of these ideas the reader voted for: personal facts (core/access/reader-facts.ts), so a page listing them may be shared. */
export async function readerVotes(db: ChallengesDb, actor: Actor, ideaIds: string[]): Promise<Set<string>> {
  return new Set((await readerRowsIn(db, actor, 'challenge_idea_votes', 'user_id', 'idea_id', ideaIds, [])).keys())
}

export interface IdeaListOptions {
  sort: IdeaSort
  /** The reader's seed for 'random' (1 … SHUFFLE_PRIME − 1). */
  seed: number
  cursor: Cursor | null
  limit: number
  status?: 'shortlisted' | 'winner'
}

const pad = (n: number) => String(n).padStart(10, '0')

/** A page of a challenge's ideas the actor may see, in the chosen order (keyset on the order's key and id). */
export async function listIdeaRows(db: ChallengesDb, actor: Actor, challengeId: string, o: IdeaListOptions): Promise<{ items: IdeaRow[]; next: string | null }> {
  let q = db.selectFrom('challenge_ideas').selectAll().where('challenge_id', '=', challengeId).where((eb) => visibleTo(actor, eb, IDEA_ACCESS))
  if (o.status === 'winner') q = q.where('status', '=', 'winner')
  if (o.status === 'shortlisted') q = q.where('status', 'in', ['shortlisted', 'winner'])
  const c = o.cursor
  if (o.sort === 'newest') {
    if (c) q = q.where((eb) => afterCursor(eb, 'challenge_ideas.created_at', 'challenge_ideas.id', c))
    const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(o.limit + 1).execute()
    return paginate(rows, o.limit, (r) => ({ at: r.created_at, id: r.id }))
  }
  if (o.sort === 'votes') {
    if (c) {
      const votes = Number(c.at)
      q = q.where((eb) => eb.or([eb('vote_count', '<', votes), eb.and([eb('vote_count', '=', votes), eb('id', '<', c.id)])]))
    }
    const rows = await q.orderBy('vote_count', 'desc').orderBy('id', 'desc').limit(o.limit + 1).execute()
    return paginate(rows, o.limit, (r) => ({ at: pad(Number(r.vote_count)), id: r.id }))
  }
  const seed = Math.trunc(o.seed)
  const rank = sql<number>`(challenge_ideas.shuffle_key * ${sql.lit(seed)}) % ${sql.lit(SHUFFLE_PRIME)}`
  if (c) {
    const after = Number(c.at)
    q = q.where((eb) => eb.or([eb(rank, '>', after), eb.and([eb(rank, '=', after), eb('id', '>', c.id)])]))
  }
  const rows = await q.select(rank.as('rank')).orderBy(rank).orderBy('id').limit(o.limit + 1).execute()
  return paginate(rows, o.limit, (r) => ({ at: String(Number(r.rank)), id: r.id }))
}

/** How many ideas (not hidden) each challenge has. */
export async function ideaCounts(db: ChallengesDb, challengeIds: string[]): Promise<Map<string, number>> {
  if (challengeIds.length === 0) return new Map()
  const rows = await db.selectFrom('challenge_ideas').select(['challenge_id', (eb) => eb.fn.countAll<number>().as('n')]).where('challenge_id', 'in', challengeIds).where('hidden_at', 'is', null).groupBy('challenge_id').execute()
  return new Map(rows.map((r) => [r.challenge_id, Number(r.n)]))
}

/** The newest ideas of a challenge the actor may see (feeds). */
export async function newestIdeas(db: ChallengesDb, actor: Actor, challengeId: string, limit: number): Promise<IdeaRow[]> {
  return db.selectFrom('challenge_ideas').selectAll().where('challenge_id', '=', challengeId).where((eb) => visibleTo(actor, eb, IDEA_ACCESS)).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute()
}

export async function commentRows(db: ChallengesDb, actor: Actor, ideaId: string): Promise<CommentRow[]> {
  return db.selectFrom('challenge_idea_comments').selectAll().where('idea_id', '=', ideaId).where((eb) => visibleTo(actor, eb, COMMENT_ACCESS)).orderBy('created_at').orderBy('id').limit(500).execute()
}

export async function commentCounts(db: ChallengesDb, ideaIds: string[]): Promise<Map<string, number>> {
  if (ideaIds.length === 0) return new Map()
  const rows = await db.selectFrom('challenge_idea_comments').select(['idea_id', (eb) => eb.fn.countAll<number>().as('n')]).where('idea_id', 'in', ideaIds).where('hidden_at', 'is', null).groupBy('idea_id').execute()
  return new Map(rows.map((r) => [r.idea_id, Number(r.n)]))
}

export async function insertComment(db: ChallengesDb, row: CommentRow): Promise<void> {
  await db.insertInto('challenge_idea_comments').values(row).execute()
}

export async function findComment(db: ChallengesDb, id: string): Promise<CommentRow | undefined> {
  if (id.length > 100) return undefined
  return db.selectFrom('challenge_idea_comments').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function setCommentHiddenAt(db: ChallengesDb, id: string, at: string | null): Promise<void> {
  await db.updateTable('challenge_idea_comments').set({ hidden_at: at }).where('id', '=', id).execute()
}

export async function setIdeaHiddenAt(db: ChallengesDb, id: string, at: string | null): Promise<void> {
  // Shown for the first time (approved after waiting): followers hear of it from now; shown before: unchanged (decision 0038).
  await db.updateTable('challenge_ideas').set((eb) => ({ hidden_at: at, ...(at === null ? { shown_at: eb.fn.coalesce('shown_at', eb.val(new Date().toISOString())) } : {}) })).where('id', '=', id).execute()
}

/** Organisers' private reviews of an idea (callers check the reader organises the challenge). */
export async function reviewsOf(db: ChallengesDb, ideaId: string): Promise<ReviewRow[]> {
  return db.selectFrom('challenge_reviews').selectAll().where('idea_id', '=', ideaId).orderBy('updated_at', 'desc').execute()
}

export async function upsertReview(db: ChallengesDb, row: ReviewRow): Promise<void> {
  await db
    .insertInto('challenge_reviews')
    .values(row)
    .onConflict((oc) => oc.columns(['idea_id', 'reviewer_id']).doUpdateSet({ score: row.score, note: row.note, updated_at: row.updated_at }))
    .execute()
}

/** The idea a project was made from, if any. */
export async function ideaOfProject(db: ChallengesDb, projectId: string): Promise<IdeaRow | undefined> {
  return db.selectFrom('challenge_ideas').selectAll().where('project_id', '=', projectId).executeTakeFirst()
}

/** Public ideas for the sitemap. */
export async function publicIdeaPaths(db: ChallengesDb): Promise<Array<{ slug: string; id: string; updated_at: string }>> {
  return db
    .selectFrom('challenge_ideas')
    .innerJoin('challenges', 'challenges.id', 'challenge_ideas.challenge_id')
    .select(['challenges.slug', 'challenge_ideas.id', 'challenge_ideas.updated_at'])
    .where((eb) => publiclyVisible(eb, IDEA_ACCESS))
    .where((eb) => publiclyVisible(eb, { space: 'challenges.space_id', hidden: 'challenges.hidden_at' }))
    .orderBy('challenge_ideas.created_at', 'desc')
    .limit(20_000)
    .execute()
}

/** Ideas of one challenge (any state), for re-indexing after the challenge changed. */
export async function ideasOfChallenge(db: ChallengesDb, challengeId: string): Promise<IdeaRow[]> {
  return db.selectFrom('challenge_ideas').selectAll().where('challenge_id', '=', challengeId).execute()
}
