import { claimStaleEntries, markEntryActive } from '../../core/freshness.ts'
import type { OrganisationsDb } from './organisations.tables.ts'

/** Claims up to `limit` stale organisations whose admins were not asked since `staleBefore` (core/freshness.ts). */
export async function claimStaleOrganisationRows(db: OrganisationsDb, staleBefore: string, at: string, limit: number): Promise<Array<{ id: string; slug: string; name: string; lastActive: string }>> {
  return claimStaleEntries(db, 'organisations', ['id', 'slug', 'name'], staleBefore, at, limit)
}

/** Moves the organisation's "last confirmed" on to `at` (never back). */
export async function markOrganisationActive(db: OrganisationsDb, id: string, at: string): Promise<void> {
  await markEntryActive(db, 'organisations', id, at)
}
