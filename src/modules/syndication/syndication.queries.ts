import type { SyndicatedFeedsTable, SyndicatedItemsTable, SyndicationDb } from './syndication.tables.ts'

export type FeedRow = SyndicatedFeedsTable
export type ItemRow = SyndicatedItemsTable

export async function insertFeed(db: SyndicationDb, row: FeedRow): Promise<void> {
  await db.insertInto('syndicated_feeds').values(row).execute()
}

export async function findFeed(db: SyndicationDb, id: string): Promise<FeedRow | undefined> {
  if (id.length > 64) return undefined
  return db.selectFrom('syndicated_feeds').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function findOwnFeedByUrl(db: SyndicationDb, ownerId: string, url: string): Promise<FeedRow | undefined> {
  return db.selectFrom('syndicated_feeds').selectAll().where('owner_id', '=', ownerId).where('url', '=', url).executeTakeFirst()
}

export async function feedsOfOwner(db: SyndicationDb, ownerId: string): Promise<FeedRow[]> {
  return db.selectFrom('syndicated_feeds').selectAll().where('owner_id', '=', ownerId).orderBy('created_at', 'desc').limit(200).execute()
}

export async function updateFeed(db: SyndicationDb, id: string, changes: Partial<Omit<FeedRow, 'id'>>): Promise<void> {
  await db.updateTable('syndicated_feeds').set(changes).where('id', '=', id).execute()
}

export async function deleteFeed(db: SyndicationDb, id: string): Promise<void> {
  await db.deleteFrom('syndicated_feeds').where('id', '=', id).execute()
}

/** Active feeds due for a poll, the longest-waiting first. */
export async function dueFeedIds(db: SyndicationDb, at: string, limit: number): Promise<string[]> {
  const rows = await db.selectFrom('syndicated_feeds').select('id').where('status', '=', 'active').where('next_poll_at', '<=', at).orderBy('next_poll_at').limit(limit).execute()
  return rows.map((r) => r.id)
}

/** Entries of a feed already seen under any of these keys or links (one query). */
export async function seenEntries(db: SyndicationDb, feedId: string, keys: string[], links: string[]): Promise<Array<{ key: string; link: string }>> {
  if (keys.length === 0 && links.length === 0) return []
  return db
    .selectFrom('syndicated_items')
    .select(['key', 'link'])
    .where('feed_id', '=', feedId)
    .where((eb) => eb.or([...(keys.length ? [eb('key', 'in', keys)] : []), ...(links.length ? [eb('link', 'in', links)] : [])]))
    .execute()
}

/** Records entries, ignoring any a concurrent poll recorded first (unique by key and by link). */
export async function insertItems(db: SyndicationDb, rows: ItemRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 100) await db.insertInto('syndicated_items').values(rows.slice(i, i + 100)).onConflict((oc) => oc.doNothing()).execute()
}

/** A feed's entries, newest first. */
export async function itemsOfFeed(db: SyndicationDb, feedId: string, limit = 200): Promise<ItemRow[]> {
  return db.selectFrom('syndicated_items').selectAll().where('feed_id', '=', feedId).orderBy('published_at', 'desc').orderBy('id', 'desc').limit(limit).execute()
}

/** Queued entries of a feed, oldest first, to import one by one. */
export async function queuedItemIds(db: SyndicationDb, feedId: string, limit = 100): Promise<string[]> {
  const rows = await db.selectFrom('syndicated_items').select('id').where('state', '=', 'queued').where('feed_id', '=', feedId).orderBy('published_at').orderBy('id').limit(limit).execute()
  return rows.map((r) => r.id)
}

/** Feeds with entries waiting to be imported (after a restart, say). */
export async function feedsWithQueuedItems(db: SyndicationDb, limit = 100): Promise<string[]> {
  const rows = await db.selectFrom('syndicated_items').select('feed_id').distinct().where('state', '=', 'queued').limit(limit).execute()
  return rows.map((r) => r.feed_id)
}

/** Marks chosen entries of a feed (in one of the `from` states) as `to`. */
export async function setItemStates(db: SyndicationDb, feedId: string, ids: string[], from: ItemRow['state'][], to: ItemRow['state']): Promise<number> {
  if (ids.length === 0) return 0
  const result = await db.updateTable('syndicated_items').set({ state: to }).where('feed_id', '=', feedId).where('id', 'in', ids).where('state', 'in', from).executeTakeFirst()
  return Number(result.numUpdatedRows)
}

/**
 * Claims a queued entry for import, in the importing transaction: exactly one transaction wins (on PostgreSQL
 * the row lock makes a second claimant wait and then find it imported; SQLite has one writer).
 */
export async function claimItem(db: SyndicationDb, id: string): Promise<ItemRow | undefined> {
  const result = await db.updateTable('syndicated_items').set({ state: 'imported' }).where('id', '=', id).where('state', '=', 'queued').executeTakeFirst()
  if (Number(result.numUpdatedRows) !== 1) return undefined
  return db.selectFrom('syndicated_items').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function setItemPost(db: SyndicationDb, id: string, postId: string): Promise<void> {
  await db.updateTable('syndicated_items').set({ post_id: postId }).where('id', '=', id).execute()
}
