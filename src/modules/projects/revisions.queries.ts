import type { RevisionRecord, RevisionStore } from '../../core/revisions/revisions.ts'
import { trackProject } from './directory-counts.queries.ts'
import type { ProjectsDb, ProjectRevisionsTable, TagKind } from './projects.tables.ts'

export type RevisionRow = ProjectRevisionsTable

const toRecord = ({ project_id, ...r }: RevisionRow): RevisionRecord => ({ ...r, subjectId: project_id })

/** The projects' revisions table and `projects.revision` counter, for the shared mechanism (core/revisions). */
export const projectRevisionStore: RevisionStore = {
  async insert(db: ProjectsDb, { subjectId, ...row }) {
    await db.insertInto('project_revisions').values({ ...row, project_id: subjectId }).execute()
  },
  async advance(db: ProjectsDb, projectId, base) {
    const r = await db.updateTable('projects').set({ revision: base + 1 }).where('id', '=', projectId).where('revision', '=', base).executeTakeFirst()
    return Number(r.numUpdatedRows) === 1
  },
  async find(db: ProjectsDb, projectId, id) {
    const row = await db.selectFrom('project_revisions').selectAll().where('project_id', '=', projectId).where('id', '=', id).executeTakeFirst()
    return row && toRecord(row)
  },
  async decide(db: ProjectsDb, id, status, number, by, at) {
    const r = await db.updateTable('project_revisions').set({ status, number, decided_by: by, decided_at: at }).where('id', '=', id).where('status', '=', 'proposed').executeTakeFirst()
    return Number(r.numUpdatedRows) === 1
  },
  async list(db: ProjectsDb, projectId, limit) {
    return (await db.selectFrom('project_revisions').selectAll().where('project_id', '=', projectId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute()).map(toRecord)
  },
}

/** Replaces a project's tags of these kinds only (a revision changes themes and technologies, not places). */
export async function replaceTagsOfKinds(db: ProjectsDb, projectId: string, tags: Array<{ kind: TagKind; value: string }>, kinds: TagKind[]): Promise<void> {
  await trackProject(db, projectId, async () => {
    await db.deleteFrom('project_tags').where('project_id', '=', projectId).where('kind', 'in', kinds).execute()
    if (tags.length) await db.insertInto('project_tags').values(tags.map((t) => ({ project_id: projectId, ...t }))).execute()
  })
}
