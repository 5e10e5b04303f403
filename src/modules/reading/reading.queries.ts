import { publiclyVisible, visibleTo, type Actor } from '../../core/access/policy.ts'
import { afterCursor, decodeCursor, paginate } from '../../core/http/pagination.ts'
import type { ReadingDb, ReadingItemsTable } from './reading.tables.ts'

export type ReadingRow = ReadingItemsTable

/** The access columns of reading items, for `visibleTo`: site content whose adder sees it while hidden. */
export const READING_ACCESS = { space: 'reading_items.space_id', hidden: 'reading_items.hidden_at', author: 'reading_items.added_by' }

export async function findItemBySlug(db: ReadingDb, slug: string): Promise<ReadingRow | undefined> {
  if (slug.length > 100) return undefined
  return db.selectFrom('reading_items').selectAll().where('slug', '=', slug).executeTakeFirst()
}

export async function findItemById(db: ReadingDb, id: string): Promise<ReadingRow | undefined> {
  if (id.length > 64) return undefined
  return db.selectFrom('reading_items').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function findItemByUrl(db: ReadingDb, url: string): Promise<ReadingRow | undefined> {
  return db.selectFrom('reading_items').selectAll().where('url', '=', url).executeTakeFirst()
}

export async function itemSlugsLike(db: ReadingDb, base: string): Promise<Set<string>> {
  const rows = await db.selectFrom('reading_items').select('slug').where((eb) => eb.or([eb('slug', '=', base), eb('slug', 'like', `${base}-%`)])).execute()
  return new Set(rows.map((r) => r.slug))
}

export async function insertItem(db: ReadingDb, row: ReadingRow, tags: string[]): Promise<void> {
  await db.insertInto('reading_items').values(row).execute()
  if (tags.length) await db.insertInto('reading_item_tags').values(tags.map((tag) => ({ item_id: row.id, tag, created_at: row.created_at }))).execute()
}

export async function updateItemRow(db: ReadingDb, id: string, changes: Partial<Omit<ReadingRow, 'id' | 'created_at'>>, tags?: { list: string[]; createdAt: string }): Promise<void> {
  await db.updateTable('reading_items').set(changes).where('id', '=', id).execute()
  if (!tags) return
  await db.deleteFrom('reading_item_tags').where('item_id', '=', id).execute()
  if (tags.list.length) await db.insertInto('reading_item_tags').values(tags.list.map((tag) => ({ item_id: id, tag, created_at: tags.createdAt }))).execute()
}

export async function deleteItemRow(db: ReadingDb, id: string): Promise<void> {
  await db.deleteFrom('reading_items').where('id', '=', id).execute()
}

/** Tags of the given items, in one query. */
export async function tagsOfItems(db: ReadingDb, ids: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>()
  if (ids.length === 0) return out
  const rows = await db.selectFrom('reading_item_tags').select(['item_id', 'tag']).where('item_id', 'in', ids).orderBy('tag').execute()
  for (const r of rows) out.set(r.item_id, [...(out.get(r.item_id) ?? []), r.tag])
  return out
}

/** A page of the reading list the actor may see, newest first, perhaps of one tag (keyset on created_at, id). */
export async function listItemRows(db: ReadingDb, actor: Actor, filter: { tag?: string; cursor?: unknown; limit: number }): Promise<{ items: ReadingRow[]; next: string | null }> {
  const cursor = decodeCursor(filter.cursor)
  if (filter.tag) {
    // One tag: walk its (tag, created_at, item_id) index in list order.
    let q = db
      .selectFrom('reading_item_tags')
      .innerJoin('reading_items', 'reading_items.id', 'reading_item_tags.item_id')
      .selectAll('reading_items')
      .where('reading_item_tags.tag', '=', filter.tag)
      .where((eb) => visibleTo(actor, eb, READING_ACCESS))
    if (cursor) q = q.where((eb) => afterCursor(eb, 'reading_item_tags.created_at', 'reading_item_tags.item_id', cursor))
    const rows = await q.orderBy('reading_item_tags.created_at', 'desc').orderBy('reading_item_tags.item_id', 'desc').limit(filter.limit + 1).execute()
    return paginate(rows, filter.limit, (r) => ({ at: r.created_at, id: r.id }))
  }
  let q = db.selectFrom('reading_items').selectAll().where((eb) => visibleTo(actor, eb, READING_ACCESS))
  if (cursor) q = q.where((eb) => afterCursor(eb, 'reading_items.created_at', 'reading_items.id', cursor))
  const rows = await q.orderBy('reading_items.created_at', 'desc').orderBy('reading_items.id', 'desc').limit(filter.limit + 1).execute()
  return paginate(rows, filter.limit, (r) => ({ at: r.created_at, id: r.id }))
}

/** The items among `ids` the actor may see (for a digest). */
export async function visibleItemRowsByIds(db: ReadingDb, actor: Actor, ids: string[]): Promise<ReadingRow[]> {
  if (ids.length === 0) return []
  return db.selectFrom('reading_items').selectAll().where('id', 'in', [...new Set(ids)]).where((eb) => visibleTo(actor, eb, READING_ACCESS)).execute()
}

/**
 * The most used tags among the latest 500 links anyone may read, for the list's tag links: bounded work per
 * request however long the list grows (a count over every link cost 4 ms a signed-in page at 3,000 links).
 */
export async function popularTags(db: ReadingDb, limit = 30): Promise<Array<{ tag: string; count: number }>> {
  const recent = db.selectFrom('reading_items').select('reading_items.id').where((eb) => publiclyVisible(eb, READING_ACCESS)).orderBy('reading_items.created_at', 'desc').limit(500)
  const rows = await db
    .selectFrom('reading_item_tags')
    .select((eb) => ['reading_item_tags.tag', eb.fn.countAll<number>().as('count')])
    .where('reading_item_tags.item_id', 'in', recent)
    .groupBy('reading_item_tags.tag')
    .orderBy('count', 'desc')
    .orderBy('reading_item_tags.tag')
    .limit(limit)
    .execute()
  return rows.map((r) => ({ tag: r.tag, count: Number(r.count) }))
}

export async function setItemHiddenAt(db: ReadingDb, id: string, at: string | null): Promise<void> {
  // Shown for the first time (approved after waiting): followers hear of it from now; shown before: unchanged (decision 0038).
  await db.updateTable('reading_items').set((eb) => ({ hidden_at: at, ...(at === null ? { shown_at: eb.fn.coalesce('shown_at', eb.val(new Date().toISOString())) } : {}) })).where('id', '=', id).execute()
}

/** What anyone may read, for the sitemap. */
export async function publicItemPaths(db: ReadingDb): Promise<Array<{ path: string; updated?: string }>> {
  const rows = await db.selectFrom('reading_items').select(['slug', 'updated_at']).where((eb) => publiclyVisible(eb, READING_ACCESS)).orderBy('created_at', 'desc').limit(20_000).execute()
  return [{ path: '/reading' }, ...rows.map((r) => ({ path: `/reading/${r.slug}`, updated: r.updated_at }))]
}

/** Moves an item back in time (demo content added over past weeks). */
export async function backdateItem(db: ReadingDb, id: string, at: string): Promise<void> {
  await db.updateTable('reading_items').set({ created_at: at, updated_at: at }).where('id', '=', id).execute()
  await db.updateTable('reading_item_tags').set({ created_at: at }).where('item_id', '=', id).execute()
  // Shown when it was added, unless it still waits for approval.
  await db.updateTable('reading_items').set({ shown_at: at }).where('id', '=', id).where('shown_at', 'is not', null).execute()
}
