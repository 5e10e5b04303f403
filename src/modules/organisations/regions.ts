import { createRequire } from 'node:module'
import type * as Iso3166 from 'iso-3166'

// iso-3166 (wooorm) keeps ISO 3166-2 up to date for us: every country's subdivisions with their codes and
// official (mostly local-language) names. Only first-level subdivisions are offered (those whose parent is the country).

/** English names people write for subdivisions whose ISO name is in another language. */
const ENGLISH: Record<string, string> = {
  bavaria: 'DE-BY', 'lower saxony': 'DE-NI', 'north rhine-westphalia': 'DE-NW', hesse: 'DE-HE', saxony: 'DE-SN', thuringia: 'DE-TH', 'rhineland-palatinate': 'DE-RP',
  brittany: 'FR-BRE', normandy: 'FR-NOR', corsica: 'FR-20R',
  catalonia: 'ES-CT', andalusia: 'ES-AN', 'basque country': 'ES-PV', 'balearic islands': 'ES-IB', 'canary islands': 'ES-CN', madrid: 'ES-MD', valencia: 'ES-VC', navarre: 'ES-NC', murcia: 'ES-MC',
  tuscany: 'IT-52', lombardy: 'IT-25', piedmont: 'IT-21', sicily: 'IT-82', sardinia: 'IT-88', apulia: 'IT-75', 'aosta valley': 'IT-23',
  'lesser poland': 'PL-12', 'greater poland': 'PL-30', masovia: 'PL-14', silesia: 'PL-24', pomerania: 'PL-22',
  'central denmark': 'DK-82', 'capital region of denmark': 'DK-84', zealand: 'DK-85', 'southern denmark': 'DK-83', 'north denmark': 'DK-81',
  harju: 'EE-37', 'harju county': 'EE-37', scania: 'SE-M', skåne: 'SE-M', stockholm: 'SE-AB', uppsala: 'SE-C', 'västra götaland': 'SE-O',
  wellington: 'NZ-WGN', 'north holland': 'NL-NH', 'south holland': 'NL-ZH', friesland: 'NL-FR', 'north brabant': 'NL-NB',
  lisbon: 'PT-11', azores: 'PT-20', madeira: 'PT-30', quebec: 'CA-QC', québec: 'CA-QC',
}

export interface Subdivision {
  code: string
  name: string
}

const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim()

let tables: { byCountry: Map<string, Subdivision[]>; byCode: Map<string, Subdivision> } | undefined
/** The subdivisions by country and by code, made when a region is first read or shown rather than at start (2 MB of heap). */
function subdivisions(): NonNullable<typeof tables> {
  if (tables) return tables
  const { iso31662 }: typeof Iso3166 = createRequire(import.meta.url)('iso-3166')
  const byCountry = new Map<string, Subdivision[]>()
  const byCode = new Map<string, Subdivision>()
  for (const s of iso31662) {
    const subdivision = { code: s.code, name: s.name }
    byCode.set(s.code, subdivision)
    if (s.parent.length !== 2) continue
    const list = byCountry.get(s.parent) ?? byCountry.set(s.parent, []).get(s.parent)!
    list.push(subdivision)
  }
  for (const list of byCountry.values()) list.sort((a, b) => a.name.localeCompare(b.name))
  return (tables = { byCountry, byCode })
}
const ENGLISH_FOLDED = new Map(Object.entries(ENGLISH).map(([k, v]) => [fold(k), v]))

/** A country's first-level subdivisions, by name ([] for a country without any, or an unknown one). */
export function subdivisionsOf(countryCode: string): Subdivision[] {
  return subdivisions().byCountry.get(countryCode) ?? []
}

/**
 * The subdivision of the country that the text names: its code ("DE-BY" or "BY"), its ISO name or that name
 * without accents, a common English name, or its name without a generic word ("Skåne län"). null when none does.
 */
export function regionCode(countryCode: string, text: string): string | null {
  const wanted = fold(text)
  if (!wanted) return null
  const list = subdivisionsOf(countryCode)
  const code = wanted.toUpperCase()
  const direct = subdivisions().byCode.get(code.includes('-') ? code : `${countryCode}-${code}`)
  if (direct && list.includes(direct)) return direct.code
  const english = ENGLISH_FOLDED.get(wanted)
  if (english?.startsWith(`${countryCode}-`)) return english
  const strip = (s: string) => s.replace(/ (lan|county|region|province|state)$/, '').replace(/^(region|province of|state of) /, '')
  const found = list.find((s) => fold(s.name) === wanted) ?? list.find((s) => strip(fold(s.name)) === strip(wanted)) ?? list.find((s) => fold(s.name).split(',')[0] === wanted)
  return found?.code ?? null
}

/** The ISO name of a subdivision code ('' when unknown). */
export function regionName(code: string): string {
  return subdivisions().byCode.get(code)?.name ?? ''
}

/**
 * The region field's choices once the country is known (a select that needs no JavaScript): the country's
 * subdivisions with the entered one selected; [] when the country is unknown or ISO lists no regions for it.
 */
export function regionChoices(countryCode: string | null, region: string): Array<{ value: string; text: string; selected: boolean }> {
  const list = countryCode ? subdivisionsOf(countryCode) : []
  if (list.length === 0) return []
  const chosen = region ? regionCode(countryCode!, region) : null
  return [{ value: '', text: 'Not given', selected: !chosen }, ...list.map((s) => ({ value: s.code, text: s.name, selected: s.code === chosen }))]
}
