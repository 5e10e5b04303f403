import type { Db } from '../../core/db/database.ts'
import { newId, now } from '../../core/db/ids.ts'
import { AppError, forbidden, invalid, notFound } from '../../core/errors.ts'
import { audit } from '../../core/audit.ts'
import { can } from '../../core/access/can.ts'
import { signedIn, type Actor } from '../../core/access/policy.ts'
import { notify } from '../notifications/notifications.ts'
import { peopleByIds } from '../accounts/accounts.ts'
import { findProjectById, recordProjectSlugChange, tagsOf, teamRoles, updateProjectRow, type ProjectRow } from './projects.queries.ts'
import { advanceRevision, decideRevision, findRevision, insertRevision, replaceTagsOfKinds, revisionsOf, type RevisionRow } from './revisions.queries.ts'
import { diffHtml } from './revision-diff.ts'
import type { Phase } from './projects.tables.ts'

/** What a revision changes: the project's description, themes and technologies (not its team, links or organisations). */
export interface RevisionFields {
  name: string
  summary: string
  problem: string
  audience: string
  looking_for: string
  phase: Phase
  themes: string[]
  technologies: string[]
}

const LABELS: Record<keyof RevisionFields, string> = { name: 'Name', summary: 'Summary', problem: 'The problem', audience: 'Who it is for', looking_for: 'Looking for', phase: 'Phase', themes: 'Themes', technologies: 'Technologies' }

/** The project's described fields as they are now. */
export async function currentFields(db: Db, project: ProjectRow): Promise<RevisionFields> {
  const tags = (await tagsOf(db, [project.id])).get(project.id)
  return { name: project.name, summary: project.summary, problem: project.problem, audience: project.audience, looking_for: project.looking_for, phase: project.phase, themes: tags?.theme ?? [], technologies: tags?.technology ?? [] }
}

const conflict = () => invalid({ revision: 'Someone changed this project since you opened the form. Your text is kept below: compare it with the project as it is now, then send it again.' })

/**
 * Records an applied revision from `before` to `after` by `authorId`, moving the project's revision number on
 * from `base`. Refused when the project is no longer at `base` (an edit based on an old revision).
 */
export async function recordAppliedRevision(db: Db, projectId: string, base: number, before: RevisionFields, after: RevisionFields, authorId: string | null, note = ''): Promise<number> {
  if (!(await advanceRevision(db, projectId, base))) throw conflict()
  await insertRevision(db, { id: newId(), project_id: projectId, number: base + 1, base, status: 'applied', fields: JSON.stringify({ before, after }), note, author_id: authorId, decided_by: authorId, created_at: now(), decided_at: now() })
  return base + 1
}

/** Writes the fields onto the project (a new name gets a new slug, the old one redirecting); returns the project as it is now. */
async function applyFields(db: Db, project: ProjectRow, fields: RevisionFields, slugFor: (name: string) => Promise<string>): Promise<ProjectRow> {
  const t = now()
  let slug = project.slug
  if (fields.name !== project.name) {
    slug = await slugFor(fields.name)
    if (slug !== project.slug) await recordProjectSlugChange(db, project.id, project.slug, slug, t)
  }
  const changes = { slug, name: fields.name, summary: fields.summary, problem: fields.problem, audience: fields.audience, looking_for: fields.looking_for, phase: fields.phase, updated_at: t }
  await updateProjectRow(db, project.id, changes)
  await replaceTagsOfKinds(db, project.id, [...fields.themes.map((value) => ({ kind: 'theme' as const, value })), ...fields.technologies.map((value) => ({ kind: 'technology' as const, value }))], ['theme', 'technology'])
  return { ...project, ...changes }
}

/** Someone who may not edit the project proposes a change; its team is told and decides. */
export async function proposeProjectEdit(db: Db, actor: Actor, project: ProjectRow, after: RevisionFields, base: number, note: string): Promise<void> {
  if (!signedIn(actor)) throw new AppError('unauthorised', 401, 'Sign in to propose an edit')
  if (await can(db, actor, 'edit', 'project', project)) throw forbidden('You can edit this project directly')
  if (base !== project.revision) throw conflict()
  await insertRevision(db, { id: newId(), project_id: project.id, number: null, base, status: 'proposed', fields: JSON.stringify({ before: await currentFields(db, project), after }), note, author_id: actor.userId, decided_by: null, created_at: now(), decided_at: null })
  const team = await teamRoles(db, project.id)
  await notify(db, team.map((m) => ({ userId: m.userId, kind: 'project_proposal', text: `An edit to “${project.name}” was proposed: accept or reject it`, url: `/projects/${project.slug}/history`, spaceId: null })), actor.userId)
}

/**
 * Its team accepts (the change is applied as the next revision) or rejects a proposal. A proposal made
 * before the project last changed cannot be accepted as it is: the author is asked to propose it again.
 */
export async function decideProjectProposal(db: Db, actor: Actor, project: ProjectRow, revisionId: string, accept: boolean, onApplied: (updated: ProjectRow) => Promise<void>, slugFor: (name: string) => Promise<string>): Promise<ProjectRow> {
  if (!signedIn(actor) || !(await can(db, actor, 'edit', 'project', project))) throw forbidden('Only the project team and admins of its lead organisation can decide on proposals')
  const proposal = await findRevision(db, project.id, revisionId)
  if (!proposal || proposal.status !== 'proposed') throw notFound('Proposal')
  const t = now()
  if (!accept) {
    await decideRevision(db, proposal.id, 'rejected', null, actor.userId, t)
    if (proposal.author_id) await notify(db, [{ userId: proposal.author_id, kind: 'project_proposal', text: `Your proposed edit to “${project.name}” was not accepted`, url: `/projects/${project.slug}/history`, spaceId: null }], actor.userId)
    return project
  }
  if (proposal.base !== project.revision) throw new AppError('conflict', 409, 'The project changed since this edit was proposed, so it cannot be accepted as it is. Reject it and ask for it to be proposed again.')
  const { after } = JSON.parse(proposal.fields) as { after: RevisionFields }
  if (!(await advanceRevision(db, project.id, proposal.base)) || !(await decideRevision(db, proposal.id, 'applied', proposal.base + 1, actor.userId, t))) throw conflict()
  const updated = await applyFields(db, { ...project, revision: proposal.base + 1 }, after, slugFor)
  await onApplied(updated)
  await audit(db, { actorId: actor.userId, action: 'project.proposal_accepted', subjectType: 'project', subjectId: project.id, subjectTitle: updated.name, subjectUrl: `/projects/${updated.slug}`, reason: proposal.note })
  if (proposal.author_id) await notify(db, [{ userId: proposal.author_id, kind: 'project_proposal', text: `Your proposed edit to “${updated.name}” was accepted`, url: `/projects/${updated.slug}/history`, spaceId: null }], actor.userId)
  return updated
}

/** A moderator puts the project back as it was after an applied revision (itself recorded as a new revision). */
export async function revertProjectTo(db: Db, actor: Actor, project: ProjectRow, revisionId: string, onApplied: (updated: ProjectRow) => Promise<void>, slugFor: (name: string) => Promise<string>): Promise<ProjectRow> {
  if (!signedIn(actor) || !(await can(db, actor, 'moderate', 'project', project))) throw forbidden('Only moderators can revert a project')
  const target = await findRevision(db, project.id, revisionId)
  if (!target || target.status !== 'applied') throw notFound('Revision')
  const { after } = JSON.parse(target.fields) as { after: RevisionFields }
  const before = await currentFields(db, project)
  const number = await recordAppliedRevision(db, project.id, project.revision, before, after, actor.userId, `Reverted to revision ${target.number}`)
  const updated = await applyFields(db, { ...project, revision: number }, after, slugFor)
  await onApplied(updated)
  await audit(db, { actorId: actor.userId, action: 'project.reverted', subjectType: 'project', subjectId: project.id, subjectTitle: updated.name, subjectUrl: `/projects/${updated.slug}`, reason: `to revision ${target.number}` })
  return updated
}

export interface ShownRevision {
  id: string
  number: number | null
  status: RevisionRow['status']
  note: string
  createdAt: string
  author: { handle: string; name: string; public: boolean } | null
  changes: Array<{ label: string; html: string }>
  /** Based on an older revision than the project's current one (a proposal that cannot be accepted as it is). */
  outdated: boolean
}

/**
 * The project's history as the actor may see it: applied revisions for everyone; proposals for its team
 * (who decide) and for their authors. Each with what changed, field by field, as a word diff.
 */
export async function projectHistory(db: Db, actor: Actor, project: ProjectRow, mayEdit: boolean): Promise<ShownRevision[]> {
  const rows = (await revisionsOf(db, project.id, 200)).filter((r) => r.status === 'applied' || mayEdit || (actor.userId && r.author_id === actor.userId))
  const people = await peopleByIds(db, rows.flatMap((r) => (r.author_id ? [r.author_id] : [])))
  return rows.map((r) => {
    const { before, after } = JSON.parse(r.fields) as { before: RevisionFields; after: RevisionFields }
    const changes = (Object.keys(LABELS) as Array<keyof RevisionFields>).flatMap((key) => {
      const a = Array.isArray(before[key]) ? (before[key] as string[]).join(', ') : String(before[key])
      const b = Array.isArray(after[key]) ? (after[key] as string[]).join(', ') : String(after[key])
      return a === b ? [] : [{ label: LABELS[key], html: diffHtml(a, b) }]
    })
    const person = r.author_id ? people.get(r.author_id) : undefined
    return { id: r.id, number: r.number, status: r.status, note: r.note, createdAt: r.created_at, author: person ? { handle: person.handle, name: person.name, public: person.public } : null, changes, outdated: r.status === 'proposed' && r.base !== project.revision }
  })
}

/** The project by id as stored (for re-reading inside a transaction). */
export const reloadProject = (db: Db, id: string) => findProjectById(db, id)
