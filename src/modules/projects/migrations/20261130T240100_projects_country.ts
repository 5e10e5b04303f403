import { sql, type Kysely } from 'kysely'
import type { OpenlyMigration } from '../../../core/db/migrations.ts'

/**
 * A project's place is a country (ISO 3166-1 alpha-2) beside its free place tags: taken from its lead
 * organisation (or else any organisation named on it) for existing projects. Also when a manager last
 * confirmed it is still active.
 */
export const migration: OpenlyMigration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('projects').addColumn('country_code', 'text', (c) => c.notNull().defaultTo('')).execute()
    await db.schema.alterTable('projects').addColumn('confirmed_at', 'text').execute()
    await sql`update projects set country_code = coalesce((
        select o.country_code from project_organisations po join organisations o on o.id = po.organisation_id
        where po.project_id = projects.id and o.country_code <> ''
        order by case when po.role = 'lead' then 0 else 1 end, o.name limit 1), '')`.execute(db)
    // The directory lists by name and filters and counts by country.
    await db.schema.createIndex('projects_name_id').on('projects').columns(['name', 'id']).execute()
    await db.schema.createIndex('projects_country_code').on('projects').columns(['country_code', 'name', 'id']).execute()
  },
}
