import { claimStaleEntries, markEntryActive } from '../../core/freshness.ts'
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

/** Claims up to `limit` stale projects whose admins were not asked since `staleBefore` (core/freshness.ts). */
export async function claimStaleProjectRows(db: ProjectsDb, staleBefore: string, at: string, limit: number): Promise<StaleProjectRow[]> {
  return claimStaleEntries(db, 'projects', ['id', 'slug', 'name', 'phase', 'phase_changed_at', 'created_at'], staleBefore, at, limit)
}

/** Moves the project's "last confirmed" on to `at` (never back). */
export async function markProjectActive(db: ProjectsDb, id: string, at: string): Promise<void> {
  await markEntryActive(db, 'projects', id, at)
}
