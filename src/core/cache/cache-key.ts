/**
 * The page cache's key for a request: the path as sent, plus only the query parameters the route declares
 * (`config.cacheQuery`), sorted, with their values as the route's handler sees them. Unknown parameters are
 * dropped from the key and from `request.query` (see plugin.ts), so `/posts?utm=1` is served from the entry of
 * `/posts`, and made-up query strings can neither bypass the cache nor evict the pages people read.
 */
export interface KeyedQuery {
  key: string
  /** The query with only the declared parameters, or null when it had no others (nothing to drop). */
  kept: Record<string, unknown> | null
}

/** `declared` is sorted (plugin.ts sorts a route's once, when it is added): a hit does not sort it again. */
export function cacheKeyOf(url: string, query: Record<string, unknown> | null | undefined, declared: readonly string[]): KeyedQuery {
  const q = url.indexOf('?')
  if (q === -1) return { key: url, kept: null }
  const path = url.slice(0, q)
  const names = query ? Object.keys(query) : []
  const parts: string[] = []
  let dropped = names.length
  for (const name of declared) {
    if (!query || !Object.hasOwn(query, name)) continue
    dropped--
    for (const value of [query[name]].flat()) parts.push(`${encodeURIComponent(name)}=${encodeURIComponent(String(value))}`)
  }
  const key = parts.length ? `${path}?${parts.join('&')}` : path
  if (dropped === 0) return { key, kept: null }
  const kept: Record<string, unknown> = {}
  for (const name of declared) if (query && Object.hasOwn(query, name)) kept[name] = query[name]
  return { key, kept }
}
