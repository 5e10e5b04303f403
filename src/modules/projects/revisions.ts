import type { Db } from '../../core/db/database.ts'
import { now } from '../../core/db/ids.ts'
import { AppError, forbidden, invalid } from '../../core/errors.ts'
import { audit } from '../../core/audit.ts'
import { can } from '../../core/access/can.ts'
import { signedIn, type Actor } from '../../core/access/policy.ts'
import { acceptProposal, appliedFields, historyOf, pendingProposal, recordApplied, recordProposal, rejectProposal, type RevisionView } from '../../core/revisions/revisions.ts'
import { notify } from '../notifications/notifications.ts'
import { peopleByIds } from '../accounts/accounts.ts'
import { findProjectById, recordProjectSlugChange, tagsOf, teamRoles, updateProjectRow, type ProjectRow } from './projects.queries.ts'
import { projectRevisionStore as store, replaceTagsOfKinds } from './revisions.queries.ts'
import type { Phase } from './projects.tables.ts'
import { vocabularyTags } from './vocabulary-tags.ts'

/** What a revision changes: the project's description, themes and technologies (not its team, links or organisations). */
export interface RevisionFields {
  [key: string]: string | string[]
  name: string
  summary: string
  problem: string
  audience: string
  looking_for: string
  phase: Phase
  themes: string[]
  technologies: string[]
}

const LABELS: Record<keyof RevisionFields & string, string> = { name: 'Name', summary: 'Summary', problem: 'The problem', audience: 'Who it is for', looking_for: 'Looking for', phase: 'Phase', themes: 'Themes', technologies: 'Technologies' }
const WHAT = 'project'

/** The project's described fields as they are now. */
export async function currentFields(db: Db, project: ProjectRow): Promise<RevisionFields> {
  const tags = (await tagsOf(db, [project.id])).get(project.id)
  return { name: project.name, summary: project.summary, problem: project.problem, audience: project.audience, looking_for: project.looking_for, phase: project.phase, themes: tags?.theme ?? [], technologies: tags?.technology ?? [] }
}

/**
 * Records an applied revision from `before` to `after` by `authorId`, moving the project's revision number on
 * from `base`. Refused when the project is no longer at `base` (an edit based on an old revision).
 */
export async function recordAppliedRevision(db: Db, projectId: string, base: number, before: RevisionFields, after: RevisionFields, authorId: string | null, note = ''): Promise<number> {
  return recordApplied(db, store, WHAT, projectId, base, before, after, authorId, note)
}

/** Writes the fields onto the project (a new name gets a new slug, the old one redirecting); returns the project as it is now. */
async function applyFields(db: Db, project: ProjectRow, fields: RevisionFields, slugFor: (name: string) => Promise<string>): Promise<ProjectRow> {
  const t = now()
  let slug = project.slug
  if (fields.name !== project.name) {
    slug = await slugFor(fields.name)
    if (slug !== project.slug) await recordProjectSlugChange(db, project.id, project.slug, slug, t)
  }
  const changes = { slug, name: fields.name, summary: fields.summary, problem: fields.problem, audience: fields.audience, looking_for: fields.looking_for, phase: fields.phase, phase_changed_at: fields.phase !== project.phase ? t : project.phase_changed_at, updated_at: t }
  await updateProjectRow(db, project.id, changes)
  await replaceTagsOfKinds(db, project.id, [...fields.themes.map((value) => ({ kind: 'theme' as const, value })), ...fields.technologies.map((value) => ({ kind: 'technology' as const, value }))], ['theme', 'technology'])
  return { ...project, ...changes }
}

/** Someone who may not edit the project proposes a change; its team is told and decides. */
export async function proposeProjectEdit(db: Db, actor: Actor, project: ProjectRow, after: RevisionFields, base: number, note: string): Promise<string> {
  if (!signedIn(actor)) throw new AppError('unauthorised', 401, 'Sign in to propose an edit')
  if (await can(db, actor, 'edit', 'project', project)) throw forbidden('You can edit this project directly')
  // Checked as an edit is (0025, 0030): themes and technologies from the vocabulary, stored as its slugs, so the
  // team never meets a proposal that cannot be accepted.
  const current = await currentFields(db, project)
  const terms = await vocabularyTags(db, after, { theme: current.themes, technology: current.technologies })
  if (Object.keys(terms.errors).length) throw invalid(terms.errors)
  const id = await recordProposal(db, store, WHAT, project.id, project.revision, base, current, { ...after, themes: terms.themes, technologies: terms.technologies }, actor.userId, note)
  const team = await teamRoles(db, project.id)
  await notify(db, team.map((m) => ({ userId: m.userId, kind: 'project_proposal', text: `An edit to “${project.name}” was proposed: accept or reject it`, url: `/projects/${project.slug}/history`, spaceId: null })), actor.userId)
  return id
}

/**
 * Its team accepts (the change is applied as the next revision) or rejects a proposal. A proposal made
 * before the project last changed cannot be accepted as it is: the author is asked to propose it again.
 */
export async function decideProjectProposal(db: Db, actor: Actor, project: ProjectRow, revisionId: string, accept: boolean, onApplied: (updated: ProjectRow) => Promise<void>, slugFor: (name: string) => Promise<string>): Promise<ProjectRow> {
  if (!signedIn(actor) || !(await can(db, actor, 'edit', 'project', project))) throw forbidden('Only the project team and admins of its lead organisation can decide on proposals')
  const proposal = await pendingProposal(db, store, project.id, revisionId)
  if (!accept) {
    await rejectProposal(db, store, proposal, actor.userId)
    if (proposal.author_id) await notify(db, [{ userId: proposal.author_id, kind: 'project_proposal', text: `Your proposed edit to “${project.name}” was not accepted`, url: `/projects/${project.slug}/history`, spaceId: null }], actor.userId)
    return project
  }
  const { after, number } = await acceptProposal<RevisionFields>(db, store, WHAT, project.id, project.revision, proposal, actor.userId)
  const updated = await applyFields(db, { ...project, revision: number }, after, slugFor)
  await onApplied(updated)
  await audit(db, { actorId: actor.userId, action: 'project.proposal_accepted', subjectType: 'project', subjectId: project.id, subjectTitle: updated.name, subjectUrl: `/projects/${updated.slug}`, reason: proposal.note })
  if (proposal.author_id) await notify(db, [{ userId: proposal.author_id, kind: 'project_proposal', text: `Your proposed edit to “${updated.name}” was accepted`, url: `/projects/${updated.slug}/history`, spaceId: null }], actor.userId)
  return updated
}

/** A moderator puts the project back as it was after an applied revision (itself recorded as a new revision). */
export async function revertProjectTo(db: Db, actor: Actor, project: ProjectRow, revisionId: string, onApplied: (updated: ProjectRow) => Promise<void>, slugFor: (name: string) => Promise<string>): Promise<ProjectRow> {
  if (!signedIn(actor) || !(await can(db, actor, 'moderate', 'project', project))) throw forbidden('Only moderators can revert a project')
  const target = await appliedFields<RevisionFields>(db, store, project.id, revisionId)
  const number = await recordAppliedRevision(db, project.id, project.revision, await currentFields(db, project), target.after, actor.userId, `Reverted to revision ${target.number}`)
  const updated = await applyFields(db, { ...project, revision: number }, target.after, slugFor)
  await onApplied(updated)
  await audit(db, { actorId: actor.userId, action: 'project.reverted', subjectType: 'project', subjectId: project.id, subjectTitle: updated.name, subjectUrl: `/projects/${updated.slug}`, reason: `to revision ${target.number}` })
  return updated
}

export type ShownRevision = RevisionView

/**
 * The project's history as the actor may see it: applied revisions for everyone; proposals for its team
 * (who decide) and for their authors. Each with what changed, field by field, as a word diff.
 */
export async function projectHistory(db: Db, actor: Actor, project: ProjectRow, mayEdit: boolean): Promise<ShownRevision[]> {
  return historyOf(db, store, project.id, project.revision, LABELS, { userId: actor.userId, mayDecide: mayEdit }, peopleByIds)
}

/** The project by id as stored (for re-reading inside a transaction). */
export const reloadProject = (db: Db, id: string) => findProjectById(db, id)
