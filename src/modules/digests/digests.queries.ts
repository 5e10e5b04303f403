import { always, publiclyVisible, visibleTo, type Actor } from '../../core/access/policy.ts'
import { afterCursor, decodeCursor, paginate } from '../../core/http/pagination.ts'
import type { DeliveryState, DigestItemsTable, DigestsDb, DigestsTable } from './digests.tables.ts'

export type DigestRow = DigestsTable
export type DigestItemRow = DigestItemsTable

/** Access columns for `visibleTo`: drafts are their editor's alone. */
export const DIGEST_ACCESS = { space: 'digests.space_id', visibleFrom: 'digests.published_at', author: 'digests.editor_id' }

export async function isEditor(db: DigestsDb, userId: string): Promise<boolean> {
  return Boolean(await db.selectFrom('digest_editors').select('user_id').where('user_id', '=', userId).executeTakeFirst())
}

export async function editorIds(db: DigestsDb): Promise<string[]> {
  return (await db.selectFrom('digest_editors').select('user_id').orderBy('granted_at').limit(500).execute()).map((r) => r.user_id)
}

export async function grantEditor(db: DigestsDb, userId: string, grantedBy: string, at: string): Promise<void> {
  await db.insertInto('digest_editors').values({ user_id: userId, granted_by: grantedBy, granted_at: at }).onConflict((oc) => oc.doNothing()).execute()
}

export async function revokeEditor(db: DigestsDb, userId: string): Promise<void> {
  await db.deleteFrom('digest_editors').where('user_id', '=', userId).execute()
}

export async function isSubscribed(db: DigestsDb, userId: string): Promise<boolean> {
  return Boolean(await db.selectFrom('digest_subscribers').select('user_id').where('user_id', '=', userId).executeTakeFirst())
}

export async function subscribe(db: DigestsDb, userId: string, at: string): Promise<void> {
  await db.insertInto('digest_subscribers').values({ user_id: userId, subscribed_at: at }).onConflict((oc) => oc.doNothing()).execute()
}

export async function unsubscribe(db: DigestsDb, userId: string): Promise<void> {
  await db.deleteFrom('digest_subscribers').where('user_id', '=', userId).execute()
}

export async function findDigestBySlug(db: DigestsDb, slug: string): Promise<DigestRow | undefined> {
  if (slug.length > 100) return undefined
  return db.selectFrom('digests').selectAll().where('slug', '=', slug).executeTakeFirst()
}

export async function findDigestById(db: DigestsDb, id: string): Promise<DigestRow | undefined> {
  return db.selectFrom('digests').selectAll().where('id', '=', id).executeTakeFirst()
}

export async function digestSlugsLike(db: DigestsDb, base: string): Promise<Set<string>> {
  const rows = await db.selectFrom('digests').select('slug').where((eb) => eb.or([eb('slug', '=', base), eb('slug', 'like', `${base}-%`)])).execute()
  return new Set(rows.map((r) => r.slug))
}

export async function writeDigest(db: DigestsDb, row: DigestRow, items: Array<Pick<DigestItemRow, 'kind' | 'ref_id'>>, isNew: boolean): Promise<void> {
  if (isNew) await db.insertInto('digests').values(row).execute()
  else {
    const { id, ...changes } = row
    await db.updateTable('digests').set(changes).where('id', '=', id).execute()
    await db.deleteFrom('digest_items').where('digest_id', '=', id).execute()
  }
  if (items.length) await db.insertInto('digest_items').values(items.map((i, position) => ({ digest_id: row.id, position, kind: i.kind, ref_id: i.ref_id }))).execute()
}

export async function itemsOfDigest(db: DigestsDb, digestId: string): Promise<DigestItemRow[]> {
  return db.selectFrom('digest_items').selectAll().where('digest_id', '=', digestId).orderBy('position').execute()
}

/**
 * Publishes a draft: sets the time only if it is still a draft, so two clicks publish (and send) once.
 * Returns whether this call published it.
 */
export async function markPublished(db: DigestsDb, id: string, at: string): Promise<boolean> {
  const result = await db.updateTable('digests').set({ published_at: at, updated_at: at }).where('id', '=', id).where('published_at', 'is', null).executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/** A page of the published digests the actor may see, newest first (keyset on published_at, id). */
export async function listDigestRows(db: DigestsDb, actor: Actor, options: { cursor?: unknown; limit: number }): Promise<{ items: DigestRow[]; next: string | null }> {
  const cursor = decodeCursor(options.cursor)
  let q = db.selectFrom('digests').selectAll().where('digests.published_at', 'is not', null).where((eb) => visibleTo(actor, eb, DIGEST_ACCESS))
  if (cursor) q = q.where((eb) => afterCursor(eb, 'digests.published_at', 'digests.id', cursor))
  const rows = await q.orderBy('digests.published_at', 'desc').orderBy('digests.id', 'desc').limit(options.limit + 1).execute()
  return paginate(rows, options.limit, (r) => ({ at: r.published_at!, id: r.id }))
}

/** An editor's drafts, newest first. */
export async function draftRows(db: DigestsDb, editorId: string): Promise<DigestRow[]> {
  return db.selectFrom('digests').selectAll().where('editor_id', '=', editorId).where('published_at', 'is', null).orderBy('created_at', 'desc').limit(50).execute()
}

/** Every current subscriber, as delivery rows for a digest just published (one statement). */
export async function addDeliveriesForSubscribers(db: DigestsDb, digestId: string): Promise<void> {
  await db
    .insertInto('digest_deliveries')
    .columns(['digest_id', 'user_id', 'state', 'sent_at'])
    // The WHERE is for SQLite: INSERT … SELECT … ON CONFLICT needs one to parse (the ON would read as a join's).
    .expression((eb) => eb.selectFrom('digest_subscribers').select([eb.val(digestId).as('digest_id'), 'digest_subscribers.user_id', eb.val('pending').as('state'), eb.val(null).as('sent_at')]).where(always))
    .onConflict((oc) => oc.doNothing())
    .execute()
}

/** Recipient ids of a digest still pending, in a stable order, in pages (to cut into batches). */
export async function pendingRecipientIds(db: DigestsDb, digestId: string, after: string, limit: number): Promise<string[]> {
  const rows = await db.selectFrom('digest_deliveries').select('user_id').where('digest_id', '=', digestId).where('state', '=', 'pending').where('user_id', '>', after).orderBy('user_id').limit(limit).execute()
  return rows.map((r) => r.user_id)
}

/**
 * Of `ids`, those not yet settled for this digest: pending, or claimed by a send that never marked its outcome
 * ('sending': the process stopped between the claim and the mark, so the mail may or may not have gone).
 */
export async function unsettled(db: DigestsDb, digestId: string, ids: string[]): Promise<Array<{ user_id: string; state: DeliveryState; attempts: number }>> {
  if (ids.length === 0) return []
  return db.selectFrom('digest_deliveries').select(['user_id', 'state', 'attempts']).where('digest_id', '=', digestId).where('state', 'in', ['pending', 'sending']).where('user_id', 'in', ids).orderBy('user_id').execute()
}

/**
 * Claims one delivery before its mail goes to the SMTP server: 'sending' and one more attempt, in a write of its
 * own (committed before the SMTP conversation starts). False when it was settled meanwhile.
 */
export async function claimDelivery(db: DigestsDb, digestId: string, userId: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable('digest_deliveries')
    .set((eb) => ({ state: 'sending', attempts: eb('attempts', '+', 1), claimed_at: at }))
    .where('digest_id', '=', digestId)
    .where('user_id', '=', userId)
    .where('state', 'in', ['pending', 'sending'])
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/** Marks one delivery with what became of it, if not settled already. */
export async function markDelivery(db: DigestsDb, digestId: string, userId: string, state: DeliveryState, at: string): Promise<boolean> {
  const result = await db.updateTable('digest_deliveries').set({ state, sent_at: at }).where('digest_id', '=', digestId).where('user_id', '=', userId).where('state', 'in', ['pending', 'sending']).executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

export async function deliveryCounts(db: DigestsDb, digestId: string): Promise<Record<string, number>> {
  const rows = await db.selectFrom('digest_deliveries').select((eb) => ['state', eb.fn.countAll<number>().as('n')]).where('digest_id', '=', digestId).groupBy('state').execute()
  return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]))
}

/** Published digests for the sitemap. */
export async function publicDigestPaths(db: DigestsDb): Promise<Array<{ path: string; updated?: string }>> {
  const rows = await db.selectFrom('digests').select(['slug', 'updated_at']).where((eb) => publiclyVisible(eb, DIGEST_ACCESS)).orderBy('published_at', 'desc').limit(5000).execute()
  return [{ path: '/digests' }, ...rows.map((r) => ({ path: `/digests/${r.slug}`, updated: r.updated_at }))]
}
