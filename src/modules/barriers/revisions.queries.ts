import type { BarriersDb, WikiRevisionsTable } from './barriers.tables.ts'

export type RevisionRow = WikiRevisionsTable

export async function insertRevision(db: BarriersDb, row: RevisionRow): Promise<void> {
  await db.insertInto('wiki_revisions').values(row).execute()
}

/** One revision of a page by number. */
export async function findRevision(db: BarriersDb, entryId: string, number: number): Promise<RevisionRow | undefined> {
  return db.selectFrom('wiki_revisions').selectAll().where('entry_id', '=', entryId).where('number', '=', number).executeTakeFirst()
}

/** A revision and the one before it (for its diff), in one query. */
export async function revisionWithPrevious(db: BarriersDb, entryId: string, number: number): Promise<{ revision: RevisionRow | undefined; previous: RevisionRow | undefined }> {
  const rows = await db.selectFrom('wiki_revisions').selectAll().where('entry_id', '=', entryId).where('number', 'in', [number - 1, number]).execute()
  return { revision: rows.find((r) => Number(r.number) === number), previous: rows.find((r) => Number(r.number) === number - 1) }
}

/** A page of a page's history, newest first (keyset on the number): `before` is the number the page starts below. */
export async function revisionsPage(db: BarriersDb, entryId: string, before: number | null, limit: number): Promise<{ items: RevisionRow[]; next: number | null }> {
  let q = db.selectFrom('wiki_revisions').selectAll().where('entry_id', '=', entryId)
  if (before !== null) q = q.where('number', '<', before)
  const rows = await q.orderBy('number', 'desc').limit(limit + 1).execute()
  const items = rows.slice(0, limit)
  return { items, next: rows.length > limit ? Number(items[items.length - 1]!.number) : null }
}
