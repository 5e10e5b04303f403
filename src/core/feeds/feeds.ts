import { createHash } from 'node:crypto'
import { Feed } from 'feed'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'

export interface FeedItem {
  /** Stable, absolute id (the item's canonical URL). */
  id: string
  title: string
  link: string
  /** Sanitised HTML content. */
  contentHtml: string
  summary?: string
  published: string
  updated: string
  authors: Array<{ name: string; link?: string }>
  tags?: string[]
}

export interface FeedSpec {
  title: string
  description: string
  /** Absolute URL of the HTML page the feed mirrors. */
  link: string
  items: FeedItem[]
}

export type FeedFormat = 'rss' | 'atom' | 'json'

const TYPES: Record<FeedFormat, string> = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
}

/** Autodiscovery links for a page's <head>. */
export function feedLinks(pagePath: string, title: string): Array<{ type: string; href: string; title: string }> {
  const base = pagePath === '/' ? '' : pagePath
  return [
    { type: 'application/rss+xml', href: `${base}/feed.rss`, title: `${title} (RSS)` },
    { type: 'application/atom+xml', href: `${base}/feed.atom`, title: `${title} (Atom)` },
    { type: 'application/feed+json', href: `${base}/feed.json`, title: `${title} (JSON Feed)` },
  ]
}

/** Serialises a feed with the `feed` library, in the given format. */
export function renderFeed(spec: FeedSpec, format: FeedFormat, baseUrl: string, selfPath: string): string {
  const updated = spec.items.reduce((max, i) => (i.updated > max ? i.updated : max), '1970-01-01T00:00:00.000Z')
  const self = `${baseUrl}${selfPath}`
  const base = selfPath.replace(/\/feed\.(rss|atom|json)$/, '')
  const feed = new Feed({
    title: spec.title,
    description: spec.description,
    id: spec.link,
    link: spec.link,
    language: 'en',
    updated: new Date(updated),
    generator: 'Openly',
    copyright: 'Content by its authors',
    feedLinks: { rss: `${baseUrl}${base}/feed.rss`, atom: `${baseUrl}${base}/feed.atom`, json: `${baseUrl}${base}/feed.json` },
  })
  for (const item of spec.items) {
    feed.addItem({
      id: item.id,
      guid: item.id,
      title: item.title,
      link: item.link,
      description: item.summary,
      content: item.contentHtml,
      date: new Date(item.updated),
      published: new Date(item.published),
      author: item.authors.map((a) => ({ name: a.name, link: a.link })),
      category: (item.tags ?? []).map((t) => ({ name: t, term: t })),
    })
  }
  if (format === 'rss') return feed.rss2().replace('<channel>', `<channel>\n        <atom:link href="${self}" rel="self" type="application/rss+xml"/>`)
  if (format === 'atom') return feed.atom1()
  return feed.json1()
}

/**
 * Sends a feed with ETag and 304 handling. A signed-in reader's feed may hold what only they may read
 * (a members-only community's posts): it is private, never for a shared cache. The ETag is the hash
 * of the body, so two readers who see different items never share one.
 */
export function sendFeed(request: FastifyRequest, reply: FastifyReply, body: string, format: FeedFormat): FastifyReply {
  const etag = `"${createHash('sha1').update(body).digest('base64url')}"`
  reply.header('etag', etag).header('cache-control', request.user ? 'private, max-age=60' : 'public, max-age=60').type(TYPES[format])
  if (request.headers['if-none-match'] === etag) return reply.code(304).send()
  return reply.send(body)
}

/**
 * Registers `<base>/feed.rss`, `<base>/feed.atom` and `<base>/feed.json` for one loader.
 * The loader runs with the request's actor and returns null for 404. A base with a parameter
 * says which kind of subject fills it (`shows`, as every GET route does).
 */
export function registerFeeds(
  app: FastifyInstance,
  base: string,
  load: (request: FastifyRequest<{ Params: Record<string, string> }>) => Promise<FeedSpec | null>,
  options: { shows?: string } = {},
): void {
  const prefix = base === '/' ? '' : base
  for (const format of ['rss', 'atom', 'json'] as const) {
    app.get<{ Params: Record<string, string> }>(`${prefix}/feed.${format}`, { config: { cache: true, cacheQuery: [], serves: 'feed', shows: options.shows } }, async (request, reply) => {
      const spec = await load(request)
      if (!spec) return reply.callNotFound()
      const selfPath = request.url.split('?')[0]!
      return sendFeed(request, reply, renderFeed(spec, format, app.config.baseUrl, selfPath), format)
    })
  }
}
