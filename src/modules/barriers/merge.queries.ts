import type { BarriersDb } from './barriers.tables.ts'

/** Solutions a merged duplicate project used were used by the project that stays (once each) (core/merge.ts). */
export async function moveProjectLinks(db: BarriersDb, fromId: string, toId: string): Promise<void> {
  await db
    .updateTable('wiki_project_links')
    .set({ project_id: toId })
    .where('project_id', '=', fromId)
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('wiki_project_links as kept').select('kept.entry_id').whereRef('kept.entry_id', '=', 'wiki_project_links.entry_id').where('kept.project_id', '=', toId))))
    .execute()
  await db.deleteFrom('wiki_project_links').where('project_id', '=', fromId).execute()
}

/**
 * A merged duplicate organisation's endorsements become the surviving organisation's. Where both endorsed the same
 * page, the survivor's stays and the duplicate's note is kept by appending it (an organisation endorses once).
 */
export async function moveOrganisationEndorsements(db: BarriersDb, fromId: string, toId: string): Promise<void> {
  const both = await db
    .selectFrom('wiki_endorsements as dup')
    .innerJoin('wiki_endorsements as kept', (j) => j.onRef('kept.entry_id', '=', 'dup.entry_id').on('kept.organisation_id', '=', toId))
    .select(['dup.id as dupId', 'dup.note as dupNote', 'kept.id as keptId', 'kept.note as keptNote'])
    .where('dup.organisation_id', '=', fromId)
    .execute()
  for (const b of both) if (b.dupNote && b.dupNote !== b.keptNote) await db.updateTable('wiki_endorsements').set({ note: [b.keptNote, b.dupNote].filter(Boolean).join('\n\n') }).where('id', '=', b.keptId).execute()
  if (both.length) await db.deleteFrom('wiki_endorsements').where('id', 'in', both.map((b) => b.dupId)).execute()
  await db.updateTable('wiki_endorsements').set({ organisation_id: toId, endorser_key: `organisation:${toId}` }).where('organisation_id', '=', fromId).execute()
}
