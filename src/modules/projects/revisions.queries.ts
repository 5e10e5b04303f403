import { trackProject } from './directory-counts.queries.ts'
import type { ProjectsDb, ProjectRevisionsTable, TagKind } from './projects.tables.ts'

export type RevisionRow = ProjectRevisionsTable

export async function insertRevision(db: ProjectsDb, row: RevisionRow): Promise<void> {
  await db.insertInto('project_revisions').values(row).execute()
}

/** Moves the project's revision number from `base` to `base + 1`; false when someone else moved it first. */
export async function advanceRevision(db: ProjectsDb, projectId: string, base: number): Promise<boolean> {
  const r = await db.updateTable('projects').set({ revision: base + 1 }).where('id', '=', projectId).where('revision', '=', base).executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

export async function findRevision(db: ProjectsDb, projectId: string, id: string): Promise<RevisionRow | undefined> {
  return db.selectFrom('project_revisions').selectAll().where('project_id', '=', projectId).where('id', '=', id).executeTakeFirst()
}

/** A project's revisions, newest first (at most `limit`). */
export async function revisionsOf(db: ProjectsDb, projectId: string, limit: number): Promise<RevisionRow[]> {
  return db.selectFrom('project_revisions').selectAll().where('project_id', '=', projectId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute()
}

/** Marks a proposal accepted (it becomes applied revision `number`) or rejected; false when it was decided already. */
export async function decideRevision(db: ProjectsDb, id: string, status: 'applied' | 'rejected', number: number | null, by: string, at: string): Promise<boolean> {
  const r = await db.updateTable('project_revisions').set({ status, number, decided_by: by, decided_at: at }).where('id', '=', id).where('status', '=', 'proposed').executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

/** Replaces a project's tags of these kinds only (a revision changes themes and technologies, not places). */
export async function replaceTagsOfKinds(db: ProjectsDb, projectId: string, tags: Array<{ kind: TagKind; value: string }>, kinds: TagKind[]): Promise<void> {
  await trackProject(db, projectId, async () => {
    await db.deleteFrom('project_tags').where('project_id', '=', projectId).where('kind', 'in', kinds).execute()
    if (tags.length) await db.insertInto('project_tags').values(tags.map((t) => ({ project_id: projectId, ...t }))).execute()
  })
}
