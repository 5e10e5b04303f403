import { createRequire } from 'node:module'
import type { Kysely } from 'kysely'
import type * as Countries from 'i18n-iso-countries'
import type { OpenlyMigration } from '../../../core/db/migrations.ts'

// Frozen in time: the aliases as they were when this migration was written (not the module's list).
const ALIASES: Record<string, string> = { uk: 'GB', 'u.k.': 'GB', britain: 'GB', england: 'GB', scotland: 'GB', wales: 'GB', 'northern ireland': 'GB', usa: 'US', us: 'US', 'united states': 'US', holland: 'NL', 'the netherlands': 'NL', 'republic of ireland': 'IE', eire: 'IE' }
const SHORT: Record<string, string> = { US: 'United States', MD: 'Moldova', KR: 'South Korea', KP: 'North Korea', IR: 'Iran', BO: 'Bolivia', VE: 'Venezuela', TZ: 'Tanzania', FM: 'Micronesia', PS: 'Palestine' }

function code(countries: typeof Countries, text: string): string | null {
  const t = text.replace(/\s+/g, ' ').trim()
  if (/^[a-z]{2}$/i.test(t) && countries.isValid(t.toUpperCase())) return t.toUpperCase()
  return ALIASES[t.toLowerCase()] ?? countries.getAlpha2Code(t, 'en') ?? null
}

/**
 * Countries become ISO 3166-1: `country_code` (alpha-2) beside `country`, which now holds the country's
 * English name, so "UK" and "United Kingdom" are one country. A value that names no country keeps its text
 * and an empty code (the directory lists such entries as needing attention). Also: an optional org-id.guide
 * identifier, the website's domain (duplicates and links are exact), and when a manager last confirmed the entry.
 */
export const migration: OpenlyMigration = {
  async up(db: Kysely<any>) {
    // Loaded when the migration runs, not with the module list at every start.
    const require = createRequire(import.meta.url)
    const countries: typeof Countries = require('i18n-iso-countries')
    countries.registerLocale(require('i18n-iso-countries/langs/en.json'))
    await db.schema.alterTable('organisations').addColumn('country_code', 'text', (c) => c.notNull().defaultTo('')).execute()
    await db.schema.alterTable('organisations').addColumn('identifier', 'text', (c) => c.notNull().defaultTo('')).execute()
    await db.schema.alterTable('organisations').addColumn('website_domain', 'text', (c) => c.notNull().defaultTo('')).execute()
    await db.schema.alterTable('organisations').addColumn('confirmed_at', 'text').execute()
    const rows: Array<{ country: string }> = await db.selectFrom('organisations').select('country').distinct().execute()
    for (const { country } of rows) {
      const c = code(countries, country)
      if (c) await db.updateTable('organisations').set({ country_code: c, country: SHORT[c] ?? countries.getName(c, 'en', { select: 'official' }) ?? c }).where('country', '=', country).execute()
    }
    const sites: Array<{ id: string; website: string }> = await db.selectFrom('organisations').select(['id', 'website']).where('website', '<>', '').execute()
    for (const { id, website } of sites) {
      let domain = ''
      try {
        domain = new URL(website).hostname.toLowerCase().replace(/^www\./, '')
      } catch {}
      if (domain) await db.updateTable('organisations').set({ website_domain: domain }).where('id', '=', id).execute()
    }
    // The directory filters and counts by country and type; duplicates are looked up by domain.
    await db.schema.createIndex('organisations_country_code_name').on('organisations').columns(['country_code', 'name', 'id']).execute()
    await db.schema.createIndex('organisations_website_domain').on('organisations').column('website_domain').execute()
  },
}
