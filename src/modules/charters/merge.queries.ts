import type { ChartersDb } from './charters.tables.ts'

/**
 * A merged duplicate organisation's signatures, pilots and pilot updates become the surviving organisation's
 * (core/merge.ts). An organisation signs a charter once: where both signed, the survivor's signature stands (with
 * its own history) and the duplicate's goes; likewise one pilot per charter, whose progress posts are all kept.
 */
export async function moveOrganisationCharters(db: ChartersDb, fromId: string, toId: string): Promise<void> {
  await db
    .updateTable('charter_signatures')
    .set({ organisation_id: toId, signatory_key: `organisation:${toId}` })
    .where('organisation_id', '=', fromId)
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('charter_signatures as kept').select('kept.id').whereRef('kept.charter_id', '=', 'charter_signatures.charter_id').where('kept.organisation_id', '=', toId))))
    .execute()
  await db
    .updateTable('charter_pilot_updates')
    .set({ organisation_id: toId })
    .where('organisation_id', '=', fromId)
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('charter_pilot_updates as kept').select('kept.post_id').whereRef('kept.charter_id', '=', 'charter_pilot_updates.charter_id').whereRef('kept.post_id', '=', 'charter_pilot_updates.post_id').where('kept.organisation_id', '=', toId))))
    .execute()
  await db
    .updateTable('charter_pilots')
    .set({ organisation_id: toId })
    .where('organisation_id', '=', fromId)
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('charter_pilots as kept').select('kept.charter_id').whereRef('kept.charter_id', '=', 'charter_pilots.charter_id').where('kept.organisation_id', '=', toId))))
    .execute()
  // Pilot updates of a pilot the survivor already runs join its pilot (the duplicate's pilot row goes with the duplicate).
  await db.deleteFrom('charter_pilot_updates').where('organisation_id', '=', fromId).execute()
}
