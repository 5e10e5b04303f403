import { sql, type Kysely } from 'kysely'
import type { OpenlyMigration } from '../../../core/db/migrations.ts'

/** Pre-aggregated facet counts of site-wide, unhidden organisations for the unfiltered directory (0025), filled from what is there. */
export const migration: OpenlyMigration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('organisation_facet_counts')
      .addColumn('facet', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('n', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('organisation_facet_counts_pk', ['facet', 'value'])
      .execute()
    // Rows outside the baseline (hidden, or in a space) are counted live per reader: find them without a scan.
    await db.schema.createIndex('organisations_hidden_at').on('organisations').column('hidden_at').execute()
    await db.schema.createIndex('organisations_space_id').on('organisations').column('space_id').execute()
    const baseline = sql.raw('o.space_id is null and o.hidden_at is null')
    await sql`insert into organisation_facet_counts (facet, value, n) select 'total', '', count(*) from organisations o where ${baseline}`.execute(db)
    await sql`insert into organisation_facet_counts (facet, value, n) select 'type', o.type, count(*) from organisations o where ${baseline} and o.type <> '' group by o.type`.execute(db)
    await sql`insert into organisation_facet_counts (facet, value, n) select 'country', o.country_code, count(*) from organisations o where ${baseline} and o.country_code <> '' group by o.country_code`.execute(db)
    await sql`insert into organisation_facet_counts (facet, value, n) select 'theme', t.theme, count(distinct t.organisation_id) from organisation_themes t join organisations o on o.id = t.organisation_id where ${baseline} group by t.theme`.execute(db)
  },
}
