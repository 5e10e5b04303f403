import { trackProjects } from './directory-counts.queries.ts'
import type { Db } from '../../core/db/database.ts'
import { now } from '../../core/db/ids.ts'
import { forbidden, invalid } from '../../core/errors.ts'
import { audit } from '../../core/audit.ts'
import { can } from '../../core/access/can.ts'
import { signedIn, type Actor } from '../../core/access/policy.ts'
import { removeDocument } from '../../core/search/search.ts'
import { findProjectById, updateProjectRow, type ProjectRow } from './projects.queries.ts'
import { deleteProjectRow, moveProjectRows } from './merge.queries.ts'
import { currentFields, recordAppliedRevision, type RevisionFields } from './revisions.ts'
import { canEditProject, reindexProject } from './projects.ts'

/** Who may merge: whoever may edit both projects (their teams, admins of their lead organisations), or a moderator. Both must be visible to them. */
export async function mayMergeProjects(db: Db, actor: Actor, from: ProjectRow, into: ProjectRow): Promise<boolean> {
  if (!signedIn(actor)) return false
  if ((await can(db, actor, 'moderate', 'project', from)) && (await can(db, actor, 'moderate', 'project', into))) return true
  return (await canEditProject(db, actor, from)) && (await canEditProject(db, actor, into))
}

/** The survivor's description with the duplicate's filling what it leaves blank, and the themes and technologies of both. */
function combined(into: RevisionFields, from: RevisionFields): RevisionFields {
  const fill = (a: string, b: string) => a || b
  return { ...into, summary: fill(into.summary, from.summary), problem: fill(into.problem, from.problem), audience: fill(into.audience, from.audience), looking_for: fill(into.looking_for, from.looking_for), themes: [...new Set([...into.themes, ...from.themes])], technologies: [...new Set([...into.technologies, ...from.technologies])] }
}

/**
 * Merges the duplicate project `from` into `into`: its team, organisations, tags, links and old addresses move here
 * (other modules' rows through their `onMerge` hooks, run by `moveOthers`), blank fields take the duplicate's
 * values, the merge is a revision and in the audit log, and the duplicate's address answers 301 to the survivor's.
 */
export async function mergeProjects(db: Db, actor: Actor, from: ProjectRow, into: ProjectRow, moveOthers: (db: Db) => Promise<void>): Promise<ProjectRow> {
  if (from.id === into.id) throw invalid({ duplicate: 'Choose another project: a project cannot be merged into itself' })
  if (!(await mayMergeProjects(db, actor, from, into))) throw forbidden('Only someone who may edit both projects, or a moderator, can merge them')
  // The directory's pre-aggregated figures follow both projects through the merge (0025).
  await trackProjects(db, [into.id, from.id], async () => {
    const t = now()
    const [before, duplicate] = await Promise.all([currentFields(db, into), currentFields(db, from)])
    const after = combined(before, duplicate)
    await recordAppliedRevision(db, into.id, into.revision, before, after, actor.userId, `Merged “${from.name}” (/projects/${from.slug}) into this project`)
    await moveProjectRows(db, from.id, from.slug, into.id, t)
    await moveOthers(db)
    const confirmed = [into.confirmed_at, from.confirmed_at].filter((c): c is string => c !== null).sort().at(-1) ?? null
    await updateProjectRow(db, into.id, { summary: after.summary, problem: after.problem, audience: after.audience, looking_for: after.looking_for, confirmed_at: confirmed, updated_at: t })
    await removeDocument(db, 'project', from.id)
    await deleteProjectRow(db, from.id)
  })
  const updated = (await findProjectById(db, into.id))!
  await reindexProject(db, updated)
  await audit(db, { actorId: actor.userId, action: 'project.merged', subjectType: 'project', subjectId: into.id, subjectTitle: updated.name, subjectUrl: `/projects/${updated.slug}`, reason: `merged “${from.name}” (${from.id}) into it` })
  return updated
}
