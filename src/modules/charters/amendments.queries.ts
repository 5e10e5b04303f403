import { visibleTo, type Actor } from '../../core/access/policy.ts'
import { readerRow } from '../../core/access/reader-facts.ts'
import { afterCursor, type Cursor } from '../../core/http/pagination.ts'
import type { AmendmentStatus, ChartersDb, CharterAmendmentsTable, CharterAmendmentCommentsTable, Vote } from './charters.tables.ts'

export type AmendmentRow = CharterAmendmentsTable
export type AmendmentCommentRow = CharterAmendmentCommentsTable

/** The access columns of amendments (which live where their charter does), for `visibleTo`. */
const AMENDMENT_ACCESS = { space: 'charters.space_id', author: 'charter_amendments.author_id', hidden: 'charter_amendments.hidden_at' }
const COMMENT_ACCESS = { space: 'charters.space_id', author: 'charter_amendment_comments.author_id', hidden: 'charter_amendment_comments.hidden_at' }

export async function findAmendment(db: ChartersDb, charterId: string, number: number): Promise<AmendmentRow | undefined> {
  if (!Number.isSafeInteger(number)) return undefined
  return db.selectFrom('charter_amendments').selectAll().where('charter_id', '=', charterId).where('number', '=', number).executeTakeFirst()
}

export async function findAmendmentById(db: ChartersDb, id: string): Promise<AmendmentRow | undefined> {
  return db.selectFrom('charter_amendments').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function insertAmendment(db: ChartersDb, row: AmendmentRow): Promise<void> {
  await db.insertInto('charter_amendments').values(row).execute()
}

export interface AmendmentFilter {
  status?: AmendmentStatus
  sectionId?: string
  /** Only amendments adding a section. */
  additions?: boolean
}

/**
 * A charter's amendments, newest first (keyset on created_at, id); fetches `limit + 1`. Hidden ones only
 * for their author and platform admins (who moderate site content).
 */
export async function listAmendmentRows(db: ChartersDb, actor: Actor, charterId: string, filter: AmendmentFilter, cursor: Cursor | null, limit: number): Promise<AmendmentRow[]> {
  let q = db
    .selectFrom('charter_amendments')
    .innerJoin('charters', 'charters.id', 'charter_amendments.charter_id')
    .selectAll('charter_amendments')
    .where('charter_amendments.charter_id', '=', charterId)
    .where((eb) => visibleTo(actor, eb, AMENDMENT_ACCESS))
  if (filter.status) q = q.where('charter_amendments.status', '=', filter.status)
  if (filter.sectionId) q = q.where('charter_amendments.section_id', '=', filter.sectionId)
  if (filter.additions) q = q.where('charter_amendments.kind', '=', 'add')
  if (cursor) q = q.where((eb) => afterCursor(eb, 'charter_amendments.created_at', 'charter_amendments.id', cursor))
  return q.orderBy('charter_amendments.created_at', 'desc').orderBy('charter_amendments.id', 'desc').limit(limit + 1).execute()
}

/** Open, shown amendments per section of a charter (new-section proposals under the key ''). */
export async function openAmendmentCounts(db: ChartersDb, charterId: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('charter_amendments')
    .select((eb) => ['section_id', 'kind', eb.fn.countAll<number>().as('n')])
    .where('charter_id', '=', charterId)
    .where('status', '=', 'open')
    .where('hidden_at', 'is', null)
    .groupBy(['section_id', 'kind'])
    .execute()
  const counts = new Map<string, number>()
  for (const r of rows) {
    const key = r.kind === 'add' ? '' : (r.section_id ?? '')
    counts.set(key, (counts.get(key) ?? 0) + Number(r.n))
  }
  return counts
}

/** Open, shown amendments of several charters, for lists. */
export async function openCountsOf(db: ChartersDb, charterIds: string[]): Promise<Map<string, number>> {
  if (charterIds.length === 0) return new Map()
  const rows = await db
    .selectFrom('charter_amendments')
    .select((eb) => ['charter_id', eb.fn.countAll<number>().as('n')])
    .where('charter_id', 'in', charterIds)
    .where('status', '=', 'open')
    .where('hidden_at', 'is', null)
    .groupBy('charter_id')
    .execute()
  return new Map(rows.map((r) => [r.charter_id, Number(r.n)]))
}

/** How many amendments a charter has in each status (shown ones). */
export async function amendmentStatusCounts(db: ChartersDb, charterId: string): Promise<Record<AmendmentStatus, number>> {
  const rows = await db
    .selectFrom('charter_amendments')
    .select((eb) => ['status', eb.fn.countAll<number>().as('n')])
    .where('charter_id', '=', charterId)
    .where('hidden_at', 'is', null)
    .groupBy('status')
    .execute()
  const counts: Record<AmendmentStatus, number> = { open: 0, accepted: 0, rejected: 0, withdrawn: 0 }
  for (const r of rows) counts[r.status] = Number(r.n)
  return counts
}

/**
 * Decides an open amendment (accept, reject, withdraw) if it is still open: the conditional update takes
 * its row lock, so of two racing decisions (or a vote and a decision) exactly one finds it open.
 */
export async function closeAmendment(db: ChartersDb, id: string, changes: Partial<AmendmentRow> & { status: Exclude<AmendmentStatus, 'open'> }): Promise<boolean> {
  const result = await db.updateTable('charter_amendments').set(changes).where('id', '=', id).where('status', '=', 'open').executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

export async function updateAmendmentRow(db: ChartersDb, id: string, changes: Partial<Omit<AmendmentRow, 'id'>>): Promise<void> {
  await db.updateTable('charter_amendments').set(changes).where('id', '=', id).execute()
}

/** Updates an amendment only while it is open (its row lock serialises it with decisions). */
export async function updateOpenAmendment(db: ChartersDb, id: string, changes: Partial<Omit<AmendmentRow, 'id'>>): Promise<boolean> {
  const result = await db.updateTable('charter_amendments').set(changes).where('id', '=', id).where('status', '=', 'open').executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/**
 * Marks the open amendments written against texts that are no longer current as conflicting, and
 * returns them (their authors are told to bring them up to date).
 */
export async function markConflicts(db: ChartersDb, retiredTextId: string, exceptId: string): Promise<Array<{ id: string; number: number; author_id: string }>> {
  const rows = await db
    .selectFrom('charter_amendments')
    .select(['id', 'number', 'author_id'])
    .where('base_text_id', '=', retiredTextId)
    .where('status', '=', 'open')
    .where('conflict', '=', 0)
    .where('id', '!=', exceptId)
    .execute()
  if (rows.length) await db.updateTable('charter_amendments').set({ conflict: 1 }).where('id', 'in', rows.map((r) => r.id)).execute()
  return rows.map((r) => ({ ...r, number: Number(r.number) }))
}

// ---------------------------------------------------------------- votes

/**
 * Records a person's vote (or changes it): the primary key makes two racing votes one row. The caller has
 * locked the amendment (`updateOpenAmendment`) in the same transaction, so no vote lands after a decision.
 */
export async function upsertVote(db: ChartersDb, amendmentId: string, userId: string, vote: Vote, at: string): Promise<void> {
  await db
    .insertInto('charter_amendment_votes')
    .values({ amendment_id: amendmentId, user_id: userId, vote, created_at: at, updated_at: at })
    .onConflict((oc) => oc.columns(['amendment_id', 'user_id']).doUpdateSet({ vote, updated_at: at }))
    .execute()
}

export async function deleteVote(db: ChartersDb, amendmentId: string, userId: string): Promise<void> {
  await db.deleteFrom('charter_amendment_votes').where('amendment_id', '=', amendmentId).where('user_id', '=', userId).execute()
}

/** Recounts an amendment's votes from the votes themselves (the stored counts never drift). */
export async function recountVotes(db: ChartersDb, amendmentId: string): Promise<{ votesFor: number; votesAgainst: number }> {
  const rows = await db
    .selectFrom('charter_amendment_votes')
    .select((eb) => ['vote', eb.fn.countAll<number>().as('n')])
    .where('amendment_id', '=', amendmentId)
    .groupBy('vote')
    .execute()
  const votesFor = Number(rows.find((r) => r.vote === 'for')?.n ?? 0)
  const votesAgainst = Number(rows.find((r) => r.vote === 'against')?.n ?? 0)
  await db.updateTable('charter_amendments').set({ votes_for: votesFor, votes_against: votesAgainst }).where('id', '=', amendmentId).execute()
  return { votesFor, votesAgainst }
}

/** The reader's vote on an amendment: a personal fact, read so that a shared page can note it (core/access/reader-facts.ts). */
export async function voteOf(db: ChartersDb, actor: Actor, amendmentId: string): Promise<Vote | null> {
  const row = await readerRow(db, actor, 'charter_amendment_votes', 'user_id', { amendment_id: amendmentId }, ['vote'])
  return row?.vote ?? null
}

/** Removes every vote on an amendment (its text changed) and returns who had voted. */
export async function clearVotes(db: ChartersDb, amendmentId: string): Promise<string[]> {
  const rows = await db.selectFrom('charter_amendment_votes').select('user_id').where('amendment_id', '=', amendmentId).execute()
  await db.deleteFrom('charter_amendment_votes').where('amendment_id', '=', amendmentId).execute()
  await db.updateTable('charter_amendments').set({ votes_for: 0, votes_against: 0 }).where('id', '=', amendmentId).execute()
  return rows.map((r) => r.user_id)
}

// ---------------------------------------------------------------- comments

export async function insertComment(db: ChartersDb, row: AmendmentCommentRow): Promise<void> {
  await db.insertInto('charter_amendment_comments').values(row).execute()
}

/** An amendment's comments, oldest first; hidden ones only for their authors and platform admins. */
export async function commentRows(db: ChartersDb, actor: Actor, amendmentId: string): Promise<AmendmentCommentRow[]> {
  return db
    .selectFrom('charter_amendment_comments')
    .innerJoin('charters', 'charters.id', 'charter_amendment_comments.charter_id')
    .selectAll('charter_amendment_comments')
    .where('charter_amendment_comments.amendment_id', '=', amendmentId)
    .where((eb) => visibleTo(actor, eb, COMMENT_ACCESS))
    .orderBy('charter_amendment_comments.created_at')
    .orderBy('charter_amendment_comments.id')
    .limit(500)
    .execute()
}

export async function findComment(db: ChartersDb, id: string): Promise<AmendmentCommentRow | undefined> {
  return db.selectFrom('charter_amendment_comments').selectAll().where('id', '=', id).executeTakeFirst()
}

/** Comments per amendment, for lists. */
export async function commentCounts(db: ChartersDb, amendmentIds: string[]): Promise<Map<string, number>> {
  if (amendmentIds.length === 0) return new Map()
  const rows = await db
    .selectFrom('charter_amendment_comments')
    .select((eb) => ['amendment_id', eb.fn.countAll<number>().as('n')])
    .where('amendment_id', 'in', amendmentIds)
    .where('hidden_at', 'is', null)
    .groupBy('amendment_id')
    .execute()
  return new Map(rows.map((r) => [r.amendment_id, Number(r.n)]))
}

export async function setCommentHiddenAt(db: ChartersDb, id: string, hiddenAt: string | null): Promise<void> {
  await db.updateTable('charter_amendment_comments').set({ hidden_at: hiddenAt }).where('id', '=', id).execute()
}

export async function setAmendmentHiddenAt(db: ChartersDb, id: string, hiddenAt: string | null): Promise<void> {
  await db.updateTable('charter_amendments').set({ hidden_at: hiddenAt }).where('id', '=', id).execute()
}
