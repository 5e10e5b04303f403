import { sql, type Kysely } from 'kysely'
import type { OpenlyMigration } from '../../../core/db/migrations.ts'

/**
 * Naming an organisation as a project's lead or partner becomes a request its admins confirm.
 * Existing links stay confirmed only where the project's creator is an admin of that organisation;
 * the others become proposals, shown to the organisation's admins to confirm or decline.
 */
export const migration: OpenlyMigration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('project_organisations').addColumn('status', 'text', (c) => c.notNull().defaultTo('confirmed')).execute()
    await db.schema.alterTable('project_organisations').addColumn('requested_by', 'text').execute()
    await db.schema.alterTable('project_organisations').addColumn('confirmed_by', 'text').execute()
    await sql`update project_organisations set status = 'proposed'
      where not exists (
        select 1 from projects p join organisation_members m on m.user_id = p.created_by
        where p.id = project_organisations.project_id and m.organisation_id = project_organisations.organisation_id and m.role = 'admin')`.execute(db)
    await db.schema.createIndex('project_organisations_org_status').on('project_organisations').columns(['organisation_id', 'status']).execute()
  },
}
