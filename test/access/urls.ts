/**
 * The URLs the leak matrix requests, generated from the app's own route list: every GET route that
 * names a subject (`config.shows`, `config.filters`) with the real identifiers of every fixture of
 * that kind, and every other route as it is. Whatever cannot be generated is a problem, not a skip.
 */
import type { FastifyInstance } from 'fastify'
import type { Fixture, Kind } from './oracle.ts'

export interface Entry {
  url: string
  /** The route pattern it comes from. */
  pattern: string
  serves: string
  /** The subject filling its parameters (`via: 'path'`) or named in its query (`via: 'filter'`); null for lists. */
  fixture: Fixture | null
  via: 'path' | 'filter' | 'list'
}

/** Routes that serve no content a reader could be refused: fingerprinted assets and the health check. */
export const CONTENT_FREE = new Set(['static', 'health'])
export const KNOWN_SERVES = new Set(['page', 'feed', 'api', 'file', 'form', 'redirect', 'static', 'health'])
/** Routes that take no route config (none since GOV.UK Frontend's fonts and images are no longer served). */
export const EXEMPT = new Set<string>()

/**
 * Search terms are words, not subjects: one query per kind of fixture, the `zq` + kind prefix its
 * markers share, so one search finds every fixture of that kind (and the echoed query is no marker).
 */
export const SEARCH_PREFIXES = ['zqcm', 'zqth', 'zqrp', 'zqpo', 'zqpe', 'zqog', 'zqpj', 'zqch', 'zqam', 'zqev', 'zqse', 'zqsn', 'zqrl', 'zqba', 'zqso', 'zqcg', 'zqci']

/** Fixtures that fill a route declaring this kind; 'reportable' is anything /report takes. */
export function fixturesOfKind(fixtures: Fixture[], kind: string): Fixture[] {
  if (kind === 'reportable') return fixtures.filter((f) => f.report)
  return fixtures.filter((f) => f.kind === (kind as Kind))
}

/** The GET routes the matrix covers, and the problems that make the run fail: unclassified routes, kinds without fixtures, patterns it cannot fill. */
export function generate(app: FastifyInstance, fixtures: Fixture[]): { entries: Entry[]; problems: string[] } {
  const entries: Entry[] = []
  const problems: string[] = []
  for (const route of app.routeList) {
    if (route.method !== 'GET' || EXEMPT.has(route.url)) continue
    const { url: pattern, serves, shows, filters } = route
    if (!serves || !KNOWN_SERVES.has(serves)) {
      problems.push(`GET ${pattern} does not say what it serves (config.serves)`)
      continue
    }
    if (CONTENT_FREE.has(serves)) continue
    const params = [...pattern.matchAll(/:(\w+)/g)].map((m) => m[1]!)
    if ((params.length > 0 || pattern.includes('*')) && !shows) {
      problems.push(`GET ${pattern} has parameters but does not say which kind of subject fills them (config.shows)`)
      continue
    }
    if (shows) {
      const subjects = fixturesOfKind(fixtures, shows)
      if (subjects.length === 0) problems.push(`GET ${pattern} shows '${shows}', and the matrix has no fixture of that kind`)
      for (const f of subjects) {
        if (params.length === 0) {
          // A route naming its subject in the query (/report?type=&id=).
          if (!f.report) problems.push(`GET ${pattern}: ${f.label} has no query that names it`)
          else entries.push({ url: `${pattern}?type=${f.report.type}&id=${encodeURIComponent(f.report.id)}`, pattern, serves, fixture: f, via: 'path' })
          continue
        }
        const missing = params.filter((p) => !f.params[p])
        if (missing.length || pattern.includes('*')) {
          problems.push(`GET ${pattern}: cannot fill ${missing.map((p) => `:${p}`).join(', ') || '*'} from ${f.label}`)
          continue
        }
        entries.push({ url: pattern.replace(/:(\w+)/g, (_m, p: string) => encodeURIComponent(f.params[p]!)), pattern, serves, fixture: f, via: 'path' })
      }
    } else {
      entries.push({ url: pattern, pattern, serves, fixture: null, via: 'list' })
    }
    for (const [param, kind] of Object.entries(filters ?? {})) {
      const subjects = fixturesOfKind(fixtures, kind)
      if (subjects.length === 0) problems.push(`GET ${pattern}?${param}= names a '${kind}', and the matrix has no fixture of that kind`)
      for (const f of subjects) {
        if (!f.ref) problems.push(`GET ${pattern}?${param}=: ${f.label} has no value that names it`)
        else entries.push({ url: `${pattern}?${param}=${encodeURIComponent(f.ref)}`, pattern, serves, fixture: f, via: 'filter' })
      }
    }
    if (pattern === '/search' || pattern === '/api/v1/search') {
      for (const q of SEARCH_PREFIXES) entries.push({ url: `${pattern}?q=${q}`, pattern, serves, fixture: null, via: 'list' })
    }
  }
  return { entries, problems }
}
