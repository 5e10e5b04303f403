import { trackProjects } from './directory-counts.queries.ts'
import type { ProjectsDb } from './projects.tables.ts'

/**
 * A project naming both a merged duplicate organisation and the one that stays names the survivor once, keeping
 * the stronger link (lead over partner, confirmed over proposed); every other project naming the duplicate names
 * the survivor instead (core/merge.ts: the organisations module's merge calls this through the manifest).
 */
export async function moveOrganisationLinks(db: ProjectsDb, fromId: string, toId: string): Promise<void> {
  // Every project naming the duplicate changes its pairs in the network's pre-aggregated weights (0025).
  const affected = await db.selectFrom('project_organisations').select('project_id').where('organisation_id', '=', fromId).execute()
  await trackProjects(db, affected.map((r) => r.project_id), async () => {
    await db.updateTable('project_organisations').set({ role: 'lead' }).where('organisation_id', '=', toId).where('project_id', 'in', (eb) => eb.selectFrom('project_organisations as dup').select('dup.project_id').where('dup.organisation_id', '=', fromId).where('dup.role', '=', 'lead')).execute()
    await db.updateTable('project_organisations').set({ status: 'confirmed' }).where('organisation_id', '=', toId).where('project_id', 'in', (eb) => eb.selectFrom('project_organisations as dup').select('dup.project_id').where('dup.organisation_id', '=', fromId).where('dup.status', '=', 'confirmed')).execute()
    await db
      .updateTable('project_organisations')
      .set({ organisation_id: toId })
      .where('organisation_id', '=', fromId)
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('project_organisations as kept').select('kept.project_id').whereRef('kept.project_id', '=', 'project_organisations.project_id').where('kept.organisation_id', '=', toId))))
      .execute()
    await db.deleteFrom('project_organisations').where('organisation_id', '=', fromId).execute()
  })
}

/**
 * Moves a duplicate project's own rows onto the one that stays: its team (someone on both stays once, keeping a
 * role where only one said it), its organisations (the stronger link where both name one), its tags (the union),
 * its links (after the survivor's, without repeating an address) and its old addresses.
 */
export async function moveProjectRows(db: ProjectsDb, fromId: string, fromSlug: string, toId: string, at: string): Promise<void> {
  await db
    .updateTable('project_members')
    .set({ project_id: toId })
    .where('project_id', '=', fromId)
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('project_members as kept').select('kept.user_id').whereRef('kept.user_id', '=', 'project_members.user_id').where('kept.project_id', '=', toId))))
    .execute()
  const bothRoles = await db.selectFrom('project_members as dup').innerJoin('project_members as kept', (j) => j.onRef('kept.user_id', '=', 'dup.user_id').on('kept.project_id', '=', toId)).select(['dup.user_id', 'dup.role']).where('dup.project_id', '=', fromId).where('kept.role', '=', '').where('dup.role', '!=', '').execute()
  // Rare (someone on both teams, with a role only on the duplicate): one update each.
  for (const m of bothRoles) await db.updateTable('project_members').set({ role: m.role }).where('project_id', '=', toId).where('user_id', '=', m.user_id).execute()

  await db.updateTable('project_organisations').set({ role: 'lead' }).where('project_id', '=', toId).where('organisation_id', 'in', (eb) => eb.selectFrom('project_organisations as dup').select('dup.organisation_id').where('dup.project_id', '=', fromId).where('dup.role', '=', 'lead')).execute()
  await db.updateTable('project_organisations').set({ status: 'confirmed' }).where('project_id', '=', toId).where('organisation_id', 'in', (eb) => eb.selectFrom('project_organisations as dup').select('dup.organisation_id').where('dup.project_id', '=', fromId).where('dup.status', '=', 'confirmed')).execute()
  await db
    .updateTable('project_organisations')
    .set({ project_id: toId })
    .where('project_id', '=', fromId)
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('project_organisations as kept').select('kept.organisation_id').whereRef('kept.organisation_id', '=', 'project_organisations.organisation_id').where('kept.project_id', '=', toId))))
    .execute()

  await db
    .updateTable('project_tags')
    .set({ project_id: toId })
    .where('project_id', '=', fromId)
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('project_tags as kept').select('kept.value').whereRef('kept.kind', '=', 'project_tags.kind').whereRef('kept.value', '=', 'project_tags.value').where('kept.project_id', '=', toId))))
    .execute()

  const [keptLinks, dupLinks] = await Promise.all([
    db.selectFrom('project_links').select(['position', 'url']).where('project_id', '=', toId).execute(),
    db.selectFrom('project_links').selectAll().where('project_id', '=', fromId).orderBy('position').execute(),
  ])
  const known = new Set(keptLinks.map((l) => l.url))
  const start = Math.max(-1, ...keptLinks.map((l) => l.position)) + 1
  const added = dupLinks.filter((l) => !known.has(l.url)).map((l, i) => ({ project_id: toId, position: start + i, label: l.label, url: l.url }))
  if (added.length) await db.insertInto('project_links').values(added).execute()

  await db.updateTable('project_slug_redirects').set({ project_id: toId }).where('project_id', '=', fromId).execute()
  await db.insertInto('project_slug_redirects').values({ old_slug: fromSlug, project_id: toId, created_at: at }).onConflict((oc) => oc.column('old_slug').doUpdateSet({ project_id: toId, created_at: at })).execute()
}

/** Removes the merged duplicate (what is left of its rows goes with it). */
export async function deleteProjectRow(db: ProjectsDb, id: string): Promise<void> {
  await db.deleteFrom('projects').where('id', '=', id).execute()
}
