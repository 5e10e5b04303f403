import { sql } from 'kysely'
import type { Phase, ProjectsDb } from './projects.tables.ts'

export interface StaleProjectRow {
  id: string
  slug: string
  name: string
  phase: Phase
  phase_changed_at: string | null
  created_at: string
  lastActive: string
}

/** The entry's last sign of life: its last edit or its last confirmation (a post or practical action confirms it). */
const lastActive = sql<string>`coalesce(case when projects.confirmed_at > projects.updated_at then projects.confirmed_at end, projects.updated_at)`

/**
 * Claims up to `limit` projects stale since before `staleBefore` whose admins were not asked since then:
 * marks them asked at `at` (unique per run) and returns those this run marked, so two runs at once never both
 * claim an entry in one period.
 */
export async function claimStaleProjectRows(db: ProjectsDb, staleBefore: string, at: string, limit: number): Promise<StaleProjectRow[]> {
  const rows: StaleProjectRow[] = await db
    .selectFrom('projects')
    .select(['id', 'slug', 'name', 'phase', 'phase_changed_at', 'created_at', lastActive.as('lastActive')])
    .where('hidden_at', 'is', null)
    .where(lastActive, '<', staleBefore)
    .where((eb) => eb.or([eb('nudged_at', 'is', null), eb('nudged_at', '<', staleBefore)]))
    .orderBy('id')
    .limit(limit)
    .execute()
  if (rows.length === 0) return []
  await db.updateTable('projects').set({ nudged_at: at }).where('id', 'in', rows.map((r) => r.id)).where((eb) => eb.or([eb('nudged_at', 'is', null), eb('nudged_at', '<', staleBefore)])).execute()
  // What this run claimed: a run at the same moment elsewhere claimed the rest (its update found them taken).
  const mine = new Set((await db.selectFrom('projects').select('id').where('id', 'in', rows.map((r) => r.id)).where('nudged_at', '=', at).execute()).map((r) => r.id))
  return rows.filter((r) => mine.has(r.id))
}

/** Moves the project's "last confirmed" on to `at` (never back). */
export async function markProjectActive(db: ProjectsDb, id: string, at: string): Promise<void> {
  await db.updateTable('projects').set({ confirmed_at: at }).where('id', '=', id).where((eb) => eb.or([eb('confirmed_at', 'is', null), eb('confirmed_at', '<', at)])).execute()
}
