import type { Kysely } from 'kysely'
import type { OpenlyMigration } from '../../../core/db/migrations.ts'

/**
 * Regions from ISO 3166-2 (0025): existing free-text regions that name one of their country's subdivisions (its
 * name, accents ignored, or its code) get its code and ISO name; other text is kept as it is, with an empty code.
 */
const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim()
const ENGLISH: Record<string, string> = { bavaria: 'DE-BY', brittany: 'FR-BRE', catalonia: 'ES-CT', tuscany: 'IT-52', 'lesser poland': 'PL-12', 'central denmark': 'DK-82', harju: 'EE-37', skane: 'SE-M', wellington: 'NZ-WGN' }

export const migration: OpenlyMigration = {
  async up(db: Kysely<any>) {
    // Loaded when the migration runs, not with the module list at every start.
    const { iso31662 } = await import('iso-3166')
    await db.schema.alterTable('organisations').addColumn('region_code', 'text', (c) => c.notNull().defaultTo('')).execute()
    const places = await db.selectFrom('organisations').select(['country_code', 'region']).distinct().where('region', '<>', '').where('country_code', '<>', '').execute()
    for (const { country_code: country, region } of places as Array<{ country_code: string; region: string }>) {
      const wanted = fold(region)
      const match = iso31662.find((s) => s.parent === country && (fold(s.name) === wanted || s.code === `${country}-${region.toUpperCase()}` || s.code === region.toUpperCase())) ?? iso31662.find((s) => s.code === ENGLISH[wanted] && s.parent === country)
      if (match) await db.updateTable('organisations').set({ region_code: match.code, region: match.name }).where('country_code', '=', country).where('region', '=', region).execute()
    }
    await db.schema.createIndex('organisations_region_code').on('organisations').columns(['country_code', 'region_code']).execute()
  },
}
