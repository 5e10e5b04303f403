import { sql, type Kysely } from 'kysely'
import type { OpenlyMigration } from '../../../core/db/migrations.ts'

/**
 * Pre-aggregated directory figures (0025): facet counts of site-wide, unhidden projects and the organisation
 * pairs' weights, filled from what is there. The statements are frozen here (not imported) so later changes to
 * the module cannot change what this migration did.
 */
export const migration: OpenlyMigration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('project_facet_counts')
      .addColumn('facet', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('n', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('project_facet_counts_pk', ['facet', 'value'])
      .execute()
    await db.schema
      .createTable('project_organisation_pairs')
      .addColumn('a', 'text', (c) => c.notNull())
      .addColumn('b', 'text', (c) => c.notNull())
      .addColumn('projects', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('project_organisation_pairs_pk', ['a', 'b'])
      .execute()
    // The network reads the strongest pairs first.
    await db.schema.createIndex('project_organisation_pairs_strongest').on('project_organisation_pairs').columns(['projects desc', 'a', 'b']).execute()
    // "Isolated organisations" looks an organisation up on either side of a pair.
    await db.schema.createIndex('project_organisation_pairs_b').on('project_organisation_pairs').columns(['b', 'a']).execute()
    // Rows outside the baseline (hidden, or in a space) are counted live per reader: find them without a scan.
    // A partial index: only those rows are in it, so the query that names its condition reads just them.
    await db.schema.createIndex('projects_outside_baseline').on('projects').column('id').where(sql<boolean>`space_id is not null or hidden_at is not null`).execute()
    const baseline = sql.raw('p.space_id is null and p.hidden_at is null')
    await sql`insert into project_facet_counts (facet, value, n) select 'total', '', count(*) from projects p where ${baseline}`.execute(db)
    await sql`insert into project_facet_counts (facet, value, n) select 'phase', p.phase, count(*) from projects p where ${baseline} group by p.phase`.execute(db)
    await sql`insert into project_facet_counts (facet, value, n) select 'country', p.country_code, count(*) from projects p where ${baseline} and p.country_code <> '' group by p.country_code`.execute(db)
    await sql`insert into project_facet_counts (facet, value, n) select t.kind, t.value, count(distinct t.project_id) from project_tags t join projects p on p.id = t.project_id where ${baseline} and t.kind in ('theme', 'technology') group by t.kind, t.value`.execute(db)
    await sql`insert into project_organisation_pairs (a, b, projects) select x.organisation_id, y.organisation_id, count(distinct x.project_id) from project_organisations x
      join project_organisations y on y.project_id = x.project_id and y.organisation_id > x.organisation_id
      join projects p on p.id = x.project_id
      where x.status = 'confirmed' and y.status = 'confirmed' and ${baseline} group by x.organisation_id, y.organisation_id`.execute(db)
  },
}
