import type { OrganisationsDb } from './organisations.tables.ts'

/**
 * Moves a duplicate organisation's own rows onto the one that stays: members (someone in both keeps the higher
 * role), requests to be listed (unless already listed there), themes (the union) and old addresses (its slug and
 * its own old slugs now lead to the survivor). The duplicate itself is deleted afterwards.
 */
export async function moveOrganisationRows(db: OrganisationsDb, fromId: string, fromSlug: string, toId: string, at: string): Promise<void> {
  // An admin of the duplicate stays an admin of the survivor.
  await db
    .updateTable('organisation_members')
    .set({ role: 'admin' })
    .where('organisation_id', '=', toId)
    .where('user_id', 'in', (eb) => eb.selectFrom('organisation_members').select('user_id').where('organisation_id', '=', fromId).where('role', '=', 'admin'))
    .execute()
  await db
    .updateTable('organisation_members')
    .set({ organisation_id: toId })
    .where('organisation_id', '=', fromId)
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('organisation_members as kept').select('kept.user_id').whereRef('kept.user_id', '=', 'organisation_members.user_id').where('kept.organisation_id', '=', toId))))
    .execute()
  await db
    .updateTable('organisation_member_requests')
    .set({ organisation_id: toId })
    .where('organisation_id', '=', fromId)
    .where(({ not, exists, selectFrom, or }) =>
      not(or([
        exists(selectFrom('organisation_member_requests as kept').select('kept.user_id').whereRef('kept.user_id', '=', 'organisation_member_requests.user_id').where('kept.organisation_id', '=', toId)),
        exists(selectFrom('organisation_members as m').select('m.user_id').whereRef('m.user_id', '=', 'organisation_member_requests.user_id').where('m.organisation_id', '=', toId)),
      ])),
    )
    .execute()
  await db
    .updateTable('organisation_themes')
    .set({ organisation_id: toId })
    .where('organisation_id', '=', fromId)
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('organisation_themes as kept').select('kept.theme').whereRef('kept.theme', '=', 'organisation_themes.theme').where('kept.organisation_id', '=', toId))))
    .execute()
  await db.updateTable('organisation_slug_redirects').set({ organisation_id: toId }).where('organisation_id', '=', fromId).execute()
  await db.insertInto('organisation_slug_redirects').values({ old_slug: fromSlug, organisation_id: toId, created_at: at }).onConflict((oc) => oc.column('old_slug').doUpdateSet({ organisation_id: toId, created_at: at })).execute()
}

/** Removes the merged duplicate (what is left of its rows goes with it). */
export async function deleteOrganisationRow(db: OrganisationsDb, id: string): Promise<void> {
  await db.deleteFrom('organisations').where('id', '=', id).execute()
}
