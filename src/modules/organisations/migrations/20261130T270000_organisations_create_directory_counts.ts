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
    // A partial index: only those rows are in it, so the query that names its condition reads just them.
    await db.schema.createIndex('organisations_outside_baseline').on('organisations').column('id').where(sql<boolean>`space_id is not null or hidden_at is not null`).execute()
    const baseline = sql.raw('o.space_id is null and o.hidden_at is null')
    await sql`insert into organisation_facet_counts (facet, value, n) select 'total', '', count(*) from organisations o where ${baseline}`.execute(db)
    await sql`insert into organisation_facet_counts (facet, value, n) select 'type', o.type, count(*) from organisations o where ${baseline} and o.type <> '' group by o.type`.execute(db)
    await sql`insert into organisation_facet_counts (facet, value, n) select 'country', o.country_code, count(*) from organisations o where ${baseline} and o.country_code <> '' group by o.country_code`.execute(db)
    await sql`insert into organisation_facet_counts (facet, value, n) select 'theme', t.theme, count(distinct t.organisation_id) from organisation_themes t join organisations o on o.id = t.organisation_id where ${baseline} group by t.theme`.execute(db)
  },
}
