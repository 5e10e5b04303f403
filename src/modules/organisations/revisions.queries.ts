import type { RevisionRecord, RevisionStore } from '../../core/revisions/revisions.ts'
import type { OrganisationRevisionsTable, OrganisationsDb } from './organisations.tables.ts'

const toRecord = ({ organisation_id, ...r }: OrganisationRevisionsTable): RevisionRecord => ({ ...r, subjectId: organisation_id })

/** The organisations' revisions table and `organisations.revision` counter, for the shared mechanism (core/revisions). */
export const organisationRevisionStore: RevisionStore = {
  async insert(db: OrganisationsDb, { subjectId, ...row }) {
    await db.insertInto('organisation_revisions').values({ ...row, organisation_id: subjectId }).execute()
  },
  async advance(db: OrganisationsDb, organisationId, base) {
    const r = await db.updateTable('organisations').set({ revision: base + 1 }).where('id', '=', organisationId).where('revision', '=', base).executeTakeFirst()
    return Number(r.numUpdatedRows) === 1
  },
  async find(db: OrganisationsDb, organisationId, id) {
    const row = await db.selectFrom('organisation_revisions').selectAll().where('organisation_id', '=', organisationId).where('id', '=', id).executeTakeFirst()
    return row && toRecord(row)
  },
  async decide(db: OrganisationsDb, id, status, number, by, at) {
    const r = await db.updateTable('organisation_revisions').set({ status, number, decided_by: by, decided_at: at }).where('id', '=', id).where('status', '=', 'proposed').executeTakeFirst()
    return Number(r.numUpdatedRows) === 1
  },
  async list(db: OrganisationsDb, organisationId, limit) {
    return (await db.selectFrom('organisation_revisions').selectAll().where('organisation_id', '=', organisationId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).execute()).map(toRecord)
  },
}
