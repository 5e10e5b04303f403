import type { ChartersDb, CharterPilotsTable } from './charters.tables.ts'

export type PilotRow = CharterPilotsTable

/** Adds a pilot unless the organisation already is one (the primary key decides). True when inserted. */
export async function insertPilotIfNew(db: ChartersDb, row: PilotRow): Promise<boolean> {
  const result = await db
    .insertInto('charter_pilots')
    .values(row)
    .onConflict((oc) => oc.columns(['charter_id', 'organisation_id']).doNothing())
    .executeTakeFirst()
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1
}

export async function findPilot(db: ChartersDb, charterId: string, organisationId: string): Promise<PilotRow | undefined> {
  return db.selectFrom('charter_pilots').selectAll().where('charter_id', '=', charterId).where('organisation_id', '=', organisationId).executeTakeFirst()
}

export async function updatePilotRow(db: ChartersDb, charterId: string, organisationId: string, changes: Partial<Pick<PilotRow, 'contact_id' | 'goals' | 'updated_at' | 'last_update_at'>>): Promise<void> {
  await db.updateTable('charter_pilots').set(changes).where('charter_id', '=', charterId).where('organisation_id', '=', organisationId).execute()
}

/**
 * A charter's pilots whose organisation still signs it, the most recently updated first (a pilot whose
 * organisation withdrew is no longer shown). Two small queries: pilots are few, signatures many.
 */
export async function pilotsOf(db: ChartersDb, charterId: string): Promise<PilotRow[]> {
  const pilots = await db
    .selectFrom('charter_pilots')
    .selectAll()
    .where('charter_id', '=', charterId)
    .orderBy((eb) => eb.fn.coalesce('last_update_at', 'created_at'), 'desc')
    .orderBy('organisation_id')
    .limit(200)
    .execute()
  if (pilots.length === 0) return []
  const signing = await db
    .selectFrom('charter_signatures')
    .select('organisation_id')
    .where('charter_id', '=', charterId)
    .where('kind', '=', 'organisation')
    .where('status', '=', 'active')
    .where('organisation_id', 'in', pilots.map((p) => p.organisation_id))
    .execute()
  const active = new Set(signing.map((r) => r.organisation_id))
  return pilots.filter((p) => active.has(p.organisation_id))
}

/** Charters an organisation pilots. */
export async function pilotChartersOf(db: ChartersDb, organisationId: string): Promise<string[]> {
  const rows = await db.selectFrom('charter_pilots').select('charter_id').where('organisation_id', '=', organisationId).execute()
  return rows.map((r) => r.charter_id)
}

/** Links a post as a progress update; linking it twice changes nothing. True when newly linked. */
export async function insertPilotUpdate(db: ChartersDb, row: { charter_id: string; organisation_id: string; post_id: string; added_by: string | null; created_at: string }): Promise<boolean> {
  const result = await db
    .insertInto('charter_pilot_updates')
    .values(row)
    .onConflict((oc) => oc.columns(['charter_id', 'organisation_id', 'post_id']).doNothing())
    .executeTakeFirst()
  return Number(result.numInsertedOrUpdatedRows ?? 0) === 1
}

export async function deletePilotUpdate(db: ChartersDb, charterId: string, organisationId: string, postId: string): Promise<boolean> {
  const result = await db.deleteFrom('charter_pilot_updates').where('charter_id', '=', charterId).where('organisation_id', '=', organisationId).where('post_id', '=', postId).executeTakeFirst()
  return Number(result.numDeletedRows) === 1
}

/** The post ids linked to pilots of a charter (newest link first), optionally of one organisation. */
export async function pilotUpdateIds(db: ChartersDb, charterId: string, organisationId?: string, limit = 500): Promise<Array<{ organisation_id: string; post_id: string; created_at: string }>> {
  let q = db.selectFrom('charter_pilot_updates').select(['organisation_id', 'post_id', 'created_at']).where('charter_id', '=', charterId)
  if (organisationId) q = q.where('organisation_id', '=', organisationId)
  return q.orderBy('created_at', 'desc').limit(limit).execute()
}
