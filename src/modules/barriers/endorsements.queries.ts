import type { Actor } from '../../core/access/policy.ts'
import { readerHas } from '../../core/access/reader-facts.ts'
import type { BarriersDb, WikiEndorsementsTable } from './barriers.tables.ts'

export type EndorsementRow = WikiEndorsementsTable

/**
 * Records an endorsement, or changes its note if this endorser already endorsed the page: the unique
 * key (entry, endorser) makes a double submit or two racing requests one endorsement.
 */
export async function upsertEndorsement(db: BarriersDb, row: EndorsementRow): Promise<void> {
  await db
    .insertInto('wiki_endorsements')
    .values(row)
    .onConflict((oc) => oc.columns(['entry_id', 'endorser_key']).doUpdateSet({ note: row.note, user_id: row.user_id }))
    .execute()
}

/** Withdraws an endorsement; true when there was one. */
export async function deleteEndorsement(db: BarriersDb, entryId: string, endorserKey: string): Promise<boolean> {
  const r = await db.deleteFrom('wiki_endorsements').where('entry_id', '=', entryId).where('endorser_key', '=', endorserKey).executeTakeFirst()
  return Number(r.numDeletedRows) > 0
}

/** A page's newest endorsements (the newest 100: list cards count them all). */
export async function endorsementsOf(db: BarriersDb, entryId: string, limit = 100): Promise<EndorsementRow[]> {
  return db.selectFrom('wiki_endorsements').selectAll().where('entry_id', '=', entryId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute()
}

/** Endorsements per page, for list cards. */
export async function endorsementCounts(db: BarriersDb, ids: string[]): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map()
  const rows = await db
    .selectFrom('wiki_endorsements')
    .select(['entry_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('entry_id', 'in', ids)
    .groupBy('entry_id')
    .execute()
  return new Map(rows.map((r) => [r.entry_id, Number(r.n)]))
}

/** The endorser keys this person holds on a page (their own, and their organisations'). */
/** Whether the reader endorsed this page, for themself or an organisation: a personal fact (core/access/reader-facts.ts). */
export async function readerEndorsed(db: BarriersDb, actor: Actor, entryId: string): Promise<boolean> {
  return readerHas(db, actor, 'wiki_endorsements', 'user_id', { entry_id: entryId })
}

export async function endorsementsBy(db: BarriersDb, entryId: string, keys: string[]): Promise<EndorsementRow[]> {
  if (keys.length === 0) return []
  return db.selectFrom('wiki_endorsements').selectAll().where('entry_id', '=', entryId).where('endorser_key', 'in', keys).execute()
}
