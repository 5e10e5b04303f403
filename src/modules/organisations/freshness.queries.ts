import { sql } from 'kysely'
import type { OrganisationsDb } from './organisations.tables.ts'

/** The entry's last sign of life: its last edit or its last confirmation (a post or practical action confirms it). */
const lastActive = sql<string>`coalesce(case when organisations.confirmed_at > organisations.updated_at then organisations.confirmed_at end, organisations.updated_at)`

/**
 * Claims up to `limit` organisations stale since before `staleBefore` whose admins were not asked since then:
 * marks them asked at `at` (unique per run) and returns those this run marked, so two runs at once never both
 * claim an entry in one period.
 */
export async function claimStaleOrganisationRows(db: OrganisationsDb, staleBefore: string, at: string, limit: number): Promise<Array<{ id: string; slug: string; name: string; lastActive: string }>> {
  const rows: Array<{ id: string; slug: string; name: string; lastActive: string }> = await db
    .selectFrom('organisations')
    .select(['id', 'slug', 'name', lastActive.as('lastActive')])
    .where('hidden_at', 'is', null)
    .where(lastActive, '<', staleBefore)
    .where((eb) => eb.or([eb('nudged_at', 'is', null), eb('nudged_at', '<', staleBefore)]))
    .orderBy('id')
    .limit(limit)
    .execute()
  if (rows.length === 0) return []
  await db.updateTable('organisations').set({ nudged_at: at }).where('id', 'in', rows.map((r) => r.id)).where((eb) => eb.or([eb('nudged_at', 'is', null), eb('nudged_at', '<', staleBefore)])).execute()
  // What this run claimed: a run at the same moment elsewhere claimed the rest (its update found them taken).
  const mine = new Set((await db.selectFrom('organisations').select('id').where('id', 'in', rows.map((r) => r.id)).where('nudged_at', '=', at).execute()).map((r) => r.id))
  return rows.filter((r) => mine.has(r.id))
}

/** Moves the organisation's "last confirmed" on to `at` (never back). */
export async function markOrganisationActive(db: OrganisationsDb, id: string, at: string): Promise<void> {
  await db.updateTable('organisations').set({ confirmed_at: at }).where('id', '=', id).where((eb) => eb.or([eb('confirmed_at', 'is', null), eb('confirmed_at', '<', at)])).execute()
}
