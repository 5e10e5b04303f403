import type { Db } from '../../core/db/database.ts'
import { AppError, forbidden } from '../../core/errors.ts'
import { audit } from '../../core/audit.ts'
import { can } from '../../core/access/can.ts'
import { signedIn, type Actor } from '../../core/access/policy.ts'
import { acceptProposal, appliedFields, historyOf, pendingProposal, recordApplied, recordProposal, rejectProposal, type RevisionView } from '../../core/revisions/revisions.ts'
import { notify } from '../notifications/notifications.ts'
import { peopleByIds } from '../accounts/accounts.ts'
import { adminIdsOf, themesOf, type OrganisationRow } from './organisations.queries.ts'
import { organisationRevisionStore as store } from './revisions.queries.ts'
import { cityName } from './cities.ts'

/** What a revision of an organisation covers: its directory fields (not its members, which have their own consent rules). */
export interface OrganisationFields {
  [key: string]: string | string[]
  name: string
  type: string
  /** The country's English name (readable in a diff); turned back into its ISO code when applied. */
  country: string
  region: string
  /** The city's name (readable in a diff; missing from revisions older than cities). Turned back into its GeoNames id when applied. */
  city: string
  website: string
  identifier: string
  description: string
  themes: string[]
}

const LABELS: Record<keyof OrganisationFields & string, string> = { name: 'Name', type: 'Type', country: 'Country', region: 'Region', city: 'City', website: 'Website', identifier: 'Identifier', description: 'Description', themes: 'Themes' }
const WHAT = 'organisation'

/** The organisation's directory fields as they are now. */
export async function organisationFields(db: Db, org: OrganisationRow): Promise<OrganisationFields> {
  const themes = (await themesOf(db, [org.id])).get(org.id) ?? []
  return { name: org.name, type: org.type, country: org.country, region: org.region, city: cityName(org.city_id), website: org.website, identifier: org.identifier, description: org.description, themes }
}

/** Records an applied revision by `authorId` from `base`; refused when the organisation is no longer at `base`. */
export async function recordOrganisationRevision(db: Db, organisationId: string, base: number, before: OrganisationFields, after: OrganisationFields, authorId: string | null, note = ''): Promise<number> {
  return recordApplied(db, store, WHAT, organisationId, base, before, after, authorId, note)
}

/** Writes fields onto the organisation (the caller's `write`: slug, place, search index), returning it as it is now. */
export type WriteFields = (db: Db, org: OrganisationRow, fields: OrganisationFields) => Promise<OrganisationRow>

/** Someone signed in who does not manage the organisation proposes a change; its admins are told and decide. */
export async function proposeOrganisationEdit(db: Db, actor: Actor, org: OrganisationRow, after: OrganisationFields, base: number, note: string): Promise<string> {
  if (!signedIn(actor)) throw new AppError('unauthorised', 401, 'Sign in to propose an edit')
  if (await can(db, actor, 'manage', 'organisation', org)) throw forbidden('You can edit this organisation directly')
  const id = await recordProposal(db, store, WHAT, org.id, org.revision, base, await organisationFields(db, org), after, actor.userId, note)
  const admins = await adminIdsOf(db, org.id)
  await notify(db, admins.map((userId) => ({ userId, kind: 'organisation_request', text: `An edit to “${org.name}” was proposed: accept or reject it`, url: `/organisations/${org.slug}/history`, spaceId: null })), actor.userId)
  return id
}

/** Its admins accept (applied as the next revision) or reject a proposal; a proposal older than the organisation's last change can only be rejected. */
export async function decideOrganisationProposal(db: Db, actor: Actor, org: OrganisationRow, revisionId: string, accept: boolean, write: WriteFields): Promise<OrganisationRow> {
  if (!signedIn(actor) || !(await can(db, actor, 'manage', 'organisation', org))) throw forbidden('Only admins of this organisation can decide on proposals')
  const proposal = await pendingProposal(db, store, org.id, revisionId)
  if (!accept) {
    await rejectProposal(db, store, proposal, actor.userId)
    if (proposal.author_id) await notify(db, [{ userId: proposal.author_id, kind: 'organisation_request', text: `Your proposed edit to “${org.name}” was not accepted`, url: `/organisations/${org.slug}/history`, spaceId: null }], actor.userId)
    return org
  }
  const { after, number } = await acceptProposal<OrganisationFields>(db, store, WHAT, org.id, org.revision, proposal, actor.userId)
  const updated = await write(db, { ...org, revision: number }, after)
  await audit(db, { actorId: actor.userId, action: 'organisation.proposal_accepted', subjectType: 'organisation', subjectId: org.id, subjectTitle: updated.name, subjectUrl: `/organisations/${updated.slug}`, reason: proposal.note })
  if (proposal.author_id) await notify(db, [{ userId: proposal.author_id, kind: 'organisation_request', text: `Your proposed edit to “${updated.name}” was accepted`, url: `/organisations/${updated.slug}/history`, spaceId: null }], actor.userId)
  return updated
}

/** A moderator puts the organisation back as it was after an applied revision (itself a new revision). */
export async function revertOrganisationTo(db: Db, actor: Actor, org: OrganisationRow, revisionId: string, write: WriteFields): Promise<OrganisationRow> {
  if (!signedIn(actor) || !(await can(db, actor, 'moderate', 'organisation', org))) throw forbidden('Only moderators can revert an organisation')
  const target = await appliedFields<OrganisationFields>(db, store, org.id, revisionId)
  const number = await recordOrganisationRevision(db, org.id, org.revision, await organisationFields(db, org), target.after, actor.userId, `Reverted to revision ${target.number}`)
  const updated = await write(db, { ...org, revision: number }, target.after)
  await audit(db, { actorId: actor.userId, action: 'organisation.reverted', subjectType: 'organisation', subjectId: org.id, subjectTitle: updated.name, subjectUrl: `/organisations/${updated.slug}`, reason: `to revision ${target.number}` })
  return updated
}

/** The organisation's history as the actor may see it: applied revisions for everyone; proposals for its admins and their authors. */
export async function organisationHistory(db: Db, actor: Actor, org: OrganisationRow, mayDecide: boolean): Promise<RevisionView[]> {
  return historyOf(db, store, org.id, org.revision, LABELS, { userId: actor.userId, mayDecide }, peopleByIds)
}
