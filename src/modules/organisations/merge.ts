import { trackOrganisation } from './directory-counts.queries.ts'
import type { Db } from '../../core/db/database.ts'
import { now } from '../../core/db/ids.ts'
import { forbidden, invalid } from '../../core/errors.ts'
import { audit } from '../../core/audit.ts'
import { can } from '../../core/access/can.ts'
import { signedIn, type Actor } from '../../core/access/policy.ts'
import { removeDocument } from '../../core/search/search.ts'
import { findOrganisationById, themesOf, updateOrganisationRow, type OrganisationRow } from './organisations.queries.ts'
import { deleteOrganisationRow, moveOrganisationRows } from './merge.queries.ts'
import { organisationFields, recordOrganisationRevision, type OrganisationFields } from './revisions.ts'
import { indexOrganisation, websiteDomain } from './organisations.ts'

/**
 * Who may merge: whoever manages both entries (an admin of both; platform admins manage every organisation), or a
 * moderator of the directory. Both must be visible to them: the caller loads each with `findVisibleOrganisation`.
 */
export async function mayMergeOrganisations(db: Db, actor: Actor, from: OrganisationRow, into: OrganisationRow): Promise<boolean> {
  if (!signedIn(actor)) return false
  if ((await can(db, actor, 'moderate', 'organisation', from)) && (await can(db, actor, 'moderate', 'organisation', into))) return true
  return (await can(db, actor, 'manage', 'organisation', from)) && (await can(db, actor, 'manage', 'organisation', into))
}

/** The survivor's fields with the duplicate's filling what the survivor leaves blank, and the themes of both. */
function combined(into: OrganisationFields, from: OrganisationFields): OrganisationFields {
  const fill = (a: string, b: string) => a || b
  return { ...into, region: fill(into.region, from.region), website: fill(into.website, from.website), identifier: fill(into.identifier, from.identifier), description: fill(into.description, from.description), themes: [...new Set([...into.themes, ...from.themes])] }
}

/**
 * Merges the duplicate `from` into `into`: every relation moves (this module's rows here, other modules' through
 * their `onMerge` hooks, run by `moveOthers` before the duplicate is removed), blank fields of the survivor take
 * the duplicate's values, the merge is a revision of the survivor and in the audit log, and the duplicate's
 * address answers 301 to the survivor's.
 */
export async function mergeOrganisations(db: Db, actor: Actor, from: OrganisationRow, into: OrganisationRow, moveOthers: (db: Db) => Promise<void>): Promise<OrganisationRow> {
  if (from.id === into.id) throw invalid({ duplicate: 'Choose another organisation: an entry cannot be merged into itself' })
  if (!(await mayMergeOrganisations(db, actor, from, into))) throw forbidden('Only an admin of both organisations, or a moderator, can merge them')
  // The directory's pre-aggregated counts follow both organisations through the merge (0025).
  let revision = into.revision
  await trackOrganisation(db, into.id, () =>
    trackOrganisation(db, from.id, async () => {
      const t = now()
      const [before, duplicate] = await Promise.all([organisationFields(db, into), organisationFields(db, from)])
      const after = combined(before, duplicate)
      revision = await recordOrganisationRevision(db, into.id, into.revision, before, after, actor.userId, `Merged “${from.name}” (/organisations/${from.slug}) into this entry`)
      await moveOrganisationRows(db, from.id, from.slug, into.id, t)
      await moveOthers(db)
      const confirmed = [into.confirmed_at, from.confirmed_at].filter((c): c is string => c !== null).sort().at(-1) ?? null
      await updateOrganisationRow(db, into.id, { region: after.region, website: after.website, website_domain: websiteDomain(after.website), identifier: after.identifier, description: after.description, confirmed_at: confirmed, updated_at: t })
      await removeDocument(db, 'organisation', from.id)
      await deleteOrganisationRow(db, from.id)
    }),
  )
  const updated = (await findOrganisationById(db, into.id))!
  await indexOrganisation(db, updated, (await themesOf(db, [into.id])).get(into.id) ?? [])
  await audit(db, { actorId: actor.userId, action: 'organisation.merged', subjectType: 'organisation', subjectId: into.id, subjectTitle: updated.name, subjectUrl: `/organisations/${updated.slug}`, reason: `merged “${from.name}” (${from.id}) into it` })
  return { ...updated, revision }
}
