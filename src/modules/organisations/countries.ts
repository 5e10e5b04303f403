import { createRequire } from 'node:module'
import type * as Countries from 'i18n-iso-countries'

// i18n-iso-countries keeps ISO 3166-1 and the countries' English names and common aliases up to date for us. It is
// loaded when a country is first read or shown, not at start: 2 MB of heap a process that shows none does not keep.
const require = createRequire(import.meta.url)
let loaded: typeof Countries | undefined
function countries(): typeof Countries {
  if (loaded) return loaded
  const lib: typeof Countries = require('i18n-iso-countries')
  lib.registerLocale(require('i18n-iso-countries/langs/en.json'))
  return (loaded = lib)
}

/** Names people write that the ISO list does not know as aliases (the nations of the UK map to GB). */
const ALIASES: Record<string, string> = {
  uk: 'GB',
  'u.k.': 'GB',
  britain: 'GB',
  england: 'GB',
  scotland: 'GB',
  wales: 'GB',
  'northern ireland': 'GB',
  usa: 'US',
  'u.s.a.': 'US',
  us: 'US',
  'united states': 'US',
  holland: 'NL',
  'the netherlands': 'NL',
  'republic of ireland': 'IE',
  eire: 'IE',
}

/** The short English names we show, where ISO's is long or official-sounding. */
const SHORT_NAMES: Record<string, string> = {
  US: 'United States',
  MD: 'Moldova',
  KR: 'South Korea',
  KP: 'North Korea',
  IR: 'Iran',
  BO: 'Bolivia',
  VE: 'Venezuela',
  TZ: 'Tanzania',
  FM: 'Micronesia',
  PS: 'Palestine',
}

/**
 * The ISO 3166-1 alpha-2 code for what someone typed or chose: a code ("GB", "gbr"), a name in English
 * ("United Kingdom") or a common alias ("UK"). Null when it is no country.
 */
export function countryCode(text: string): string | null {
  const t = text.replace(/\s+/g, ' ').trim()
  if (!t) return null
  if (/^[a-z]{2}$/i.test(t) && countries().isValid(t.toUpperCase())) return t.toUpperCase()
  if (/^[a-z]{3}$/i.test(t) && countries().isValid(t.toUpperCase())) return countries().alpha3ToAlpha2(t.toUpperCase()) ?? null
  // Own keys only: "__proto__" or "constructor" typed in a filter must not find Object's own members.
  const alias = Object.hasOwn(ALIASES, t.toLowerCase()) ? ALIASES[t.toLowerCase()] : undefined
  if (alias) return alias
  const fromName = countries().getAlpha2Code(t, 'en') ?? Object.entries(SHORT_NAMES).find(([, n]) => n.toLowerCase() === t.toLowerCase())?.[0]
  return fromName ?? null
}

/** The English name we show for an ISO alpha-2 code ('' for none). */
export function countryName(code: string): string {
  if (!code) return ''
  return (Object.hasOwn(SHORT_NAMES, code) ? SHORT_NAMES[code] : undefined) ?? countries().getName(code, 'en', { select: 'official' }) ?? code
}

/** ISO 3166-1 numeric code of an alpha-2 code (the boundary data of the map is keyed by it). */
export function countryNumeric(code: string): string | undefined {
  return countries().alpha2ToNumeric(code)
}

let options: ReadonlyArray<{ code: string; name: string }> | undefined
/** Every country, by name, for a form's list (made when a form first needs it). */
export function countryOptions(): ReadonlyArray<{ code: string; name: string }> {
  return (options ??= Object.keys(countries().getAlpha2Codes())
    .map((code) => ({ code, name: countryName(code) }))
    .sort((a, b) => a.name.localeCompare(b.name)))
}
