import type { Db } from '../../core/db/database.ts'
import type { Actor } from '../../core/access/policy.ts'
import type { Cursor } from '../../core/http/pagination.ts'
import { cityById, cityName, regionCode, regionName, vocabularyResolver, vocabularyTerms, type VocabularyKind } from '../organisations/organisations.ts'
import { countryCode, countryName, organisationDirectory, organisationDirectoryFacets, ORGANISATION_TYPES, type Facet, type OrganisationDirectoryFilter } from '../organisations/organisations.ts'
import { PHASES, projectDirectory, projectDirectoryFacets, type ProjectDirectoryFilter } from '../projects/projects.ts'

export const KINDS = ['all', 'organisations', 'projects'] as const
export type Kind = (typeof KINDS)[number]

/** The directory's filters as the URL gives them: all optional, all combined. */
export interface DirectoryQuery {
  kind?: string
  q?: string
  theme?: string
  technology?: string
  country?: string
  region?: string
  city?: string
  phase?: string
  type?: string
  stale?: string
}

/** The filters understood, and a notice for each value that was not (it is ignored, not an error). */
export interface DirectoryFilter {
  kind: Kind
  q: string
  theme: string
  technology: string
  /** ISO 3166-1 alpha-2. */
  country: string
  region: string
  /** A city's GeoNames id (0030), of the chosen country when one is chosen. */
  city: string
  phase: string
  type: string
  stale: boolean
}

const tidy = (s: string | undefined) => (s ?? '').replace(/\s+/g, ' ').trim()

/** Per kind: every known spelling of the vocabulary's terms → the term's slug, and each slug's label (0025). */
export type DirectoryVocabulary = Record<VocabularyKind, { resolve: Map<string, string>; label: Map<string, string> }>

export async function directoryVocabulary(db: Db): Promise<DirectoryVocabulary> {
  const of = async (kind: VocabularyKind) => {
    const [resolve, terms] = await Promise.all([vocabularyResolver(db, kind), vocabularyTerms(db, kind, true)])
    return { resolve, label: new Map(terms.map((t) => [t.slug, t.label])) }
  }
  const [theme, technology] = await Promise.all([of('theme'), of('technology')])
  return { theme, technology }
}

/**
 * Reads the URL's filters: a country by code or name, a phase and type from their lists, a theme and technology
 * from the vocabulary (a former slug finds the renamed term); others are ignored with a notice.
 */
export function readFilter(query: DirectoryQuery, vocabulary?: DirectoryVocabulary): { filter: DirectoryFilter; notices: string[] } {
  const notices: string[] = []
  const term = (kind: VocabularyKind, text: string) => {
    const value = tidy(text).toLowerCase()
    if (!value || !vocabulary) return value
    const slug = vocabulary[kind].resolve.get(value)
    if (slug === undefined) notices.push(`“${tidy(text)}” is not a ${kind} of the directory, so that filter is ignored`)
    return slug ?? ''
  }
  const kind = (KINDS as readonly string[]).includes(query.kind ?? '') ? (query.kind as Kind) : 'all'
  if (query.kind && kind !== query.kind) notices.push(`“${tidy(query.kind)}” is not a part of the directory, so everything is shown`)
  const country = tidy(query.country) ? countryCode(tidy(query.country)) : ''
  if (country === null) notices.push(`We do not know a country called “${tidy(query.country)}”, so that filter is ignored`)
  const phase = tidy(query.phase).toLowerCase()
  const knownPhase = !phase || (PHASES as readonly string[]).includes(phase)
  if (!knownPhase) notices.push(`“${tidy(query.phase)}” is not a phase, so that filter is ignored`)
  const type = tidy(query.type).toLowerCase()
  const knownType = !type || (ORGANISATION_TYPES as readonly string[]).includes(type)
  if (!knownType) notices.push(`“${tidy(query.type)}” is not a type of organisation, so that filter is ignored`)
  // A city by its GeoNames id, from the bundled gazetteer; it must lie in the chosen country.
  const cityText = tidy(query.city)
  const city = cityText ? cityById(cityText) : null
  if (cityText && (!city || (country && city.country !== country))) notices.push(`“${cityText}” is not a city we know${country ? ` in ${countryName(country)}` : ''}, so that filter is ignored`)
  const filter: DirectoryFilter = {
    kind,
    q: tidy(query.q).slice(0, 100),
    theme: term('theme', query.theme ?? ''),
    technology: term('technology', query.technology ?? ''),
    country: country ?? '',
    region: tidy(query.region),
    city: city && (!country || city.country === country) ? String(city.id) : '',
    phase: knownPhase ? phase : '',
    type: knownType ? type : '',
    stale: query.stale === '1',
  }
  return { filter, notices }
}

/** The filter as a query string (for links that change one value), without empty values. */
export function filterQuery(filter: DirectoryFilter, change: Partial<Record<keyof DirectoryFilter | 'cursor', string | boolean>> = {}): string {
  const all = { ...filter, ...change } as Record<string, string | boolean>
  const q = new URLSearchParams()
  for (const key of ['kind', 'q', 'theme', 'technology', 'country', 'region', 'city', 'phase', 'type', 'stale', 'cursor']) {
    const v = all[key]
    if (v === true) q.set(key, '1')
    else if (v && !(key === 'kind' && v === 'all')) q.set(key, String(v))
  }
  const s = q.toString()
  return s ? `?${s}` : ''
}

export function staleBefore(days: number, at = Date.now()): string {
  return new Date(at - days * 86_400_000).toISOString()
}

/** The filter each module understands: organisations have no phase or technology, projects no type. */
export function partsOf(filter: DirectoryFilter, staleDays: number): { organisations: OrganisationDirectoryFilter | null; projects: ProjectDirectoryFilter | null } {
  const common = { q: filter.q || undefined, theme: filter.theme || undefined, country: filter.country || undefined, region: filter.region || undefined, city: filter.city || undefined, staleBefore: filter.stale ? staleBefore(staleDays) : undefined }
  const wantsOrganisations = filter.kind !== 'projects' && !filter.phase && !filter.technology
  const wantsProjects = filter.kind !== 'organisations' && !filter.type
  return {
    organisations: wantsOrganisations ? { ...common, type: filter.type || undefined } : null,
    projects: wantsProjects ? { ...common, phase: filter.phase || undefined, technology: filter.technology || undefined } : null,
  }
}

/** Adds two facets' counts value by value (organisations' and projects' countries, themes, regions). */
export function mergeFacets(a: Facet, b: Facet): Facet {
  const counts = new Map<string, number>()
  for (const { value, count } of [...a, ...b]) counts.set(value, (counts.get(value) ?? 0) + count)
  return [...counts].map(([value, count]) => ({ value, count })).sort((x, y) => y.count - x.count || x.value.localeCompare(y.value))
}

export interface FacetValue {
  value: string
  label: string
  count: number
  selected: boolean
}

/** One page of the directory: organisations and projects the actor may see, and counts for each filter. */
export async function browseDirectory(db: Db, actor: Actor, filter: DirectoryFilter, cursor: Cursor | null, options: { staleDays: number; pageSize: number; vocabulary?: DirectoryVocabulary; cities?: boolean }) {
  const parts = partsOf(filter, options.staleDays)
  // The world map counts per city everywhere (its points); elsewhere cities are counted within a chosen country.
  if (options.cities) for (const part of [parts.organisations, parts.projects]) if (part) part.cityFacet = true
  // With one kind chosen, the cursor pages through it; with both, each shows its first page.
  const [orgFacets, projFacets, orgs, projects] = await Promise.all([
    parts.organisations ? organisationDirectoryFacets(db, actor, parts.organisations) : null,
    parts.projects ? projectDirectoryFacets(db, actor, parts.projects) : null,
    parts.organisations ? organisationDirectory(db, actor, parts.organisations, filter.kind === 'organisations' ? cursor : null, options.pageSize) : null,
    parts.projects ? projectDirectory(db, actor, parts.projects, filter.kind === 'projects' ? cursor : null, options.pageSize) : null,
  ])
  const label = (facet: Facet, selected: string, name: (v: string) => string = (v) => v): FacetValue[] =>
    facet.map((f) => ({ value: f.value, label: name(f.value), count: f.count, selected: f.value.toLowerCase() === selected.toLowerCase() }))
  const facets = {
    country: label(mergeFacets(orgFacets?.country ?? [], projFacets?.country ?? []), filter.country, countryName),
    region: label(mergeFacets(orgFacets?.region ?? [], projFacets?.region ?? []), filter.region),
    city: label(mergeFacets(orgFacets?.city ?? [], projFacets?.city ?? []), filter.city, cityName),
    // Terms read as the vocabulary labels them ("API", "Open data"); the value in the URL stays the slug.
    theme: label(mergeFacets(orgFacets?.theme ?? [], projFacets?.theme ?? []), filter.theme, (v) => options.vocabulary?.theme.label.get(v) ?? v),
    technology: label(projFacets?.technology ?? [], filter.technology, (v) => options.vocabulary?.technology.label.get(v) ?? v),
    phase: label(projFacets?.phase ?? [], filter.phase),
    type: label(orgFacets?.type ?? [], filter.type),
  }
  // Per country, organisations and projects apart (the map's table).
  const byCountry = new Map<string, { code: string; name: string; organisations: number; projects: number }>()
  const row = (code: string) => byCountry.get(code) ?? byCountry.set(code, { code, name: countryName(code), organisations: 0, projects: 0 }).get(code)!
  for (const f of orgFacets?.country ?? []) row(f.value).organisations += f.count
  for (const f of projFacets?.country ?? []) row(f.value).projects += f.count
  // Per region of the chosen country (the map's regional view): organisations by their ISO 3166-2 region, projects by
  // the places they name that are one of the country's regions (geocoded from the bundled ISO list, never online).
  const byRegion = new Map<string, { code: string; name: string; organisations: number; projects: number }>()
  if (filter.country) {
    const add = (text: string, n: number, kind: 'organisations' | 'projects') => {
      const code = regionCode(filter.country, text)
      if (!code) return
      const r = byRegion.get(code) ?? byRegion.set(code, { code, name: regionName(code), organisations: 0, projects: 0 }).get(code)!
      r[kind] += n
    }
    for (const f of orgFacets?.region ?? []) add(f.value, f.count, 'organisations')
    for (const f of projFacets?.region ?? []) add(f.value, f.count, 'projects')
  }
  // Per city (the map's points): organisations and projects apart, with the gazetteer's coordinates.
  const byCity = new Map<string, { id: string; name: string; country: string; lat: number; lon: number; organisations: number; projects: number }>()
  const addCity = (id: string, n: number, kind: 'organisations' | 'projects') => {
    const had = byCity.get(id)
    if (had) return void (had[kind] += n)
    const city = cityById(id)
    if (city) byCity.set(id, { id, name: city.name, country: city.country, lat: city.lat, lon: city.lon, organisations: kind === 'organisations' ? n : 0, projects: kind === 'projects' ? n : 0 })
  }
  for (const f of orgFacets?.city ?? []) addCity(f.value, f.count, 'organisations')
  for (const f of projFacets?.city ?? []) addCity(f.value, f.count, 'projects')
  const since = staleBefore(options.staleDays)
  const fresh = <T extends { updated_at: string; confirmed_at: string | null }>(e: T) => ({ ...e, stale: (e.confirmed_at && e.confirmed_at > e.updated_at ? e.confirmed_at : e.updated_at) < since })
  if (orgs) orgs.items = orgs.items.map((o) => ({ ...fresh(o), cityName: cityName(o.city_id) }))
  if (projects) projects.items = projects.items.map((p) => ({ ...fresh(p), countryName: countryName(p.country_code), cityName: cityName(p.city_id) }))
  return {
    byCountry: [...byCountry.values()].sort((a, b) => a.name.localeCompare(b.name)),
    byCity: [...byCity.values()].sort((a, b) => b.organisations + b.projects - (a.organisations + a.projects) || a.name.localeCompare(b.name)),
    byRegion: [...byRegion.values()].sort((a, b) => b.organisations + b.projects - (a.organisations + a.projects) || a.name.localeCompare(b.name)),
    organisations: orgs ? { ...orgs, total: orgFacets!.total } : null,
    projects: projects ? { ...projects, total: projFacets!.total } : null,
    facets,
  }
}

/** A facet as a select's items: "Any …" first, then each value with its count; a chosen value with no entries stays selected. */
export function selectItems(values: FacetValue[], selected: string, anyText: string, name: (v: string) => string = (v) => v): Array<{ value: string; text: string; selected?: boolean }> {
  const items = [{ value: '', text: anyText }, ...values.map((f) => ({ value: f.value, text: `${f.label} (${f.count})`, selected: f.selected }))]
  if (selected && !values.some((f) => f.selected)) items.push({ value: selected, text: `${name(selected)} (0)`, selected: true })
  return items
}

/** The filter form's selects, from the facets. */
export function filterSelects(facets: Record<'country' | 'region' | 'theme' | 'technology' | 'phase' | 'type', FacetValue[]> & { city?: FacetValue[] }, filter: DirectoryFilter) {
  return {
    theme: selectItems(facets.theme, filter.theme, 'Any theme'),
    country: selectItems(facets.country, filter.country, 'Any country'),
    region: selectItems(facets.region, filter.region, 'Anywhere in the country'),
    city: selectItems(facets.city ?? [], filter.city, 'Any city', cityName),
    technology: selectItems(facets.technology, filter.technology, 'Any technology'),
    phase: selectItems(facets.phase, filter.phase, 'Any phase'),
    type: selectItems(facets.type, filter.type, 'Any type'),
  }
}
