import { sql } from 'kysely'
import { visibleTo, type Actor } from '../../core/access/policy.ts'
import { PROJECT_ACCESS } from './projects.queries.ts'
import type { ProjectsDb } from './projects.tables.ts'

/**
 * Visible projects sharing themes or technologies with a project, most shared first, leaving out the
 * project itself and projects of the organisations it works with. Reads the (kind, value, project_id)
 * index for the project's own tags only: the cost grows with how common its tags are, not with the table.
 */
export async function projectsSharingTags(db: ProjectsDb, actor: Actor, projectId: string, tags: { theme: string[]; technology: string[] }, ownOrganisationIds: string[], limit: number): Promise<Array<{ id: string; slug: string; name: string; summary: string; problem: string; shared: number }>> {
  if (tags.theme.length + tags.technology.length === 0) return []
  let q = db
    .selectFrom('project_tags')
    .innerJoin('projects', 'projects.id', 'project_tags.project_id')
    .select(['projects.id', 'projects.slug', 'projects.name', 'projects.summary', 'projects.problem', sql<number>`count(*)`.as('shared')])
    .where((eb) =>
      eb.or([
        ...(tags.theme.length ? [eb.and([eb('project_tags.kind', '=', 'theme'), eb('project_tags.value', 'in', tags.theme)])] : []),
        ...(tags.technology.length ? [eb.and([eb('project_tags.kind', '=', 'technology'), eb('project_tags.value', 'in', tags.technology)])] : []),
      ]),
    )
    .where('projects.id', '<>', projectId)
    .where((eb) => visibleTo(actor, eb, PROJECT_ACCESS))
  if (ownOrganisationIds.length) {
    q = q.where('projects.id', 'not in', (eb) => eb.selectFrom('project_organisations').select('project_organisations.project_id').where('project_organisations.organisation_id', 'in', ownOrganisationIds).where('project_organisations.status', '=', 'confirmed'))
  }
  const rows = await q.groupBy(['projects.id', 'projects.slug', 'projects.name', 'projects.summary', 'projects.problem']).orderBy('shared', 'desc').orderBy('projects.updated_at', 'desc').limit(limit).execute()
  return rows.map((r) => ({ ...r, shared: Number(r.shared) }))
}

/** Visible projects whose name holds one of these words (candidates for duplicates). */
export async function projectsWithNameWords(db: ProjectsDb, actor: Actor, words: string[], limit: number): Promise<Array<{ id: string; slug: string; name: string }>> {
  if (words.length === 0) return []
  return db
    .selectFrom('projects')
    .select(['projects.id', 'projects.slug', 'projects.name'])
    .where((eb) => visibleTo(actor, eb, PROJECT_ACCESS))
    .where((eb) => eb.or(words.map((w) => eb(sql<string>`lower(projects.name)`, 'like', `%${w.replace(/[\\%_]/g, (c) => `\\${c}`)}%`))))
    .orderBy('projects.name')
    .limit(limit)
    .execute()
}
