import type { CoreDb } from '../core.tables.ts'
import { now } from '../db/ids.ts'
import { afterCursor, type Cursor } from '../http/pagination.ts'
import type { HeldContentTable, HeldState } from './access.tables.ts'
import { moderatedBy, type Actor } from './policy.ts'

/**
 * Held content: why something is held back from readers (waiting for approval, hidden by a moderator) or
 * was let through (approved). The content's module keeps its own `hidden_at` in step (the moderation
 * registry's `setHidden`); this record is what the moderation queue lists and what trust levels count.
 */

export type HeldRow = HeldContentTable

/** The state of one item, or null when moderation never held it. */
export async function heldStateOf(db: CoreDb, type: string, id: string): Promise<HeldState | null> {
  const row = await db.selectFrom('held_content').select('state').where('subject_type', '=', type).where('subject_id', '=', id).executeTakeFirst()
  return row?.state ?? null
}

/** The states of several items of one type, in one query (for a page's comments or replies). */
export async function heldStatesOf(db: CoreDb, type: string, ids: readonly string[]): Promise<Map<string, HeldState>> {
  if (ids.length === 0) return new Map()
  const rows = await db.selectFrom('held_content').select(['subject_id', 'state']).where('subject_type', '=', type).where('subject_id', 'in', [...new Set(ids)]).execute()
  return new Map(rows.map((r) => [r.subject_id, r.state]))
}

/** Records (or changes) why an item is held: one row per item. */
export async function recordHeld(
  db: CoreDb,
  item: { type: string; id: string; spaceId: string | null; authorId: string | null; title: string; url: string; state: HeldState; reason: string; decidedBy: string | null },
): Promise<void> {
  const t = now()
  const values = { space_id: item.spaceId, author_id: item.authorId, title: item.title.slice(0, 300), url: item.url, state: item.state, reason: item.reason, decided_by: item.decidedBy, updated_at: t }
  await db
    .insertInto('held_content')
    .values({ subject_type: item.type, subject_id: item.id, ...values, created_at: t })
    .onConflict((oc) => oc.columns(['subject_type', 'subject_id']).doUpdateSet(values))
    .execute()
}

/**
 * Items in one state that the actor moderates, newest first (limit + 1 rows, keyset on updated_at and
 * id): the hosts and moderators of their spaces; platform admins site content and the spaces they may read.
 */
export async function listHeld(db: CoreDb, actor: Actor, state: 'pending' | 'hidden', options: { cursor: Cursor | null; limit: number }): Promise<HeldRow[]> {
  let q = db
    .selectFrom('held_content')
    .selectAll()
    .where('state', '=', state)
    .where((eb) => moderatedBy(actor, eb, 'held_content.space_id'))
  const c = options.cursor
  if (c) q = q.where((eb) => afterCursor(eb, 'held_content.updated_at', 'held_content.subject_id', c))
  return q.orderBy('updated_at', 'desc').orderBy('subject_id', 'desc').limit(options.limit + 1).execute()
}

/** How many items in this state the actor moderates (for the queue's navigation), counting at most `cap`. */
export async function countHeld(db: CoreDb, actor: Actor, state: 'pending' | 'hidden', cap = 100): Promise<number> {
  const rows = await db
    .selectFrom('held_content')
    .select('subject_id')
    .where('state', '=', state)
    .where((eb) => moderatedBy(actor, eb, 'held_content.space_id'))
    .limit(cap)
    .execute()
  return rows.length
}
