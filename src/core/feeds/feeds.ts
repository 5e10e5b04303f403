import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Actor } from '../access/policy.ts'
import { actorForFeedKey } from '../auth/feed-keys.ts'
import { etagOf, notModified } from '../http/conditional.ts'
import { query, text } from '../http/schemas.ts'
import { absoluteLinks, lastUpdated, toAtom, toJsonFeed, toRss, type FeedDocument, type FeedEntry } from './serialise.ts'

/** An item of a feed: its entry as the serialisers write it (relative links in its content are made absolute). */
export type FeedItem = FeedEntry

export interface FeedSpec {
  title: string
  description: string
  /** Absolute URL of the HTML page the feed mirrors. */
  link: string
  items: FeedItem[]
}

/** What a feed loader answers: the feed, null for 404, or the base path the subject moved to (a 301, as its page does). */
export type FeedLoad = FeedSpec | null | { movedTo: string }

export type FeedFormat = 'rss' | 'atom' | 'json'

const TYPES: Record<FeedFormat, string> = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
}

/** The language of Openly's text (its interface and, by default, what people write). */
const LANGUAGE = 'en'

/** Autodiscovery links for a page's <head>. */
export function feedLinks(pagePath: string, title: string): Array<{ type: string; href: string; title: string }> {
  const base = pagePath === '/' ? '' : pagePath
  return [
    { type: 'application/rss+xml', href: `${base}/feed.rss`, title: `${title} (RSS)` },
    { type: 'application/atom+xml', href: `${base}/feed.atom`, title: `${title} (Atom)` },
    { type: 'application/feed+json', href: `${base}/feed.json`, title: `${title} (JSON Feed)` },
  ]
}

/** Serialises a feed in the given format; `selfPath` is the feed's own path (its formats are its siblings). */
export function renderFeed(spec: FeedSpec, format: FeedFormat, baseUrl: string, selfPath: string): { body: string; updated: string } {
  const [stem, query] = [selfPath.replace(/\.(rss|atom|json)(\?.*)?$/, ''), /\?.*$/.exec(selfPath)?.[0] ?? '']
  const doc: FeedDocument = {
    title: spec.title,
    description: spec.description,
    link: spec.link,
    self: { rss: `${baseUrl}${stem}.rss${query}`, atom: `${baseUrl}${stem}.atom${query}`, json: `${baseUrl}${stem}.json${query}` },
    language: LANGUAGE,
    icon: `${baseUrl}/icon.svg`,
    items: spec.items.map((i) => ({ ...i, contentHtml: absoluteLinks(i.contentHtml, baseUrl) })),
  }
  const body = format === 'rss' ? toRss(doc) : format === 'atom' ? toAtom(doc) : toJsonFeed(doc)
  return { body, updated: lastUpdated(doc) }
}

/**
 * Sends a feed with its validators: an ETag (the body's hash, so two readers who see different items never
 * share one) and Last-Modified (the newest item), answering 304 to If-None-Match (weak comparison, lists)
 * or If-Modified-Since. A signed-in or keyed reader's feed may hold what only they may read: it is private.
 */
export function sendFeed(request: FastifyRequest, reply: FastifyReply, feed: { body: string; updated: string }, format: FeedFormat, personal: boolean): FastifyReply {
  const etag = etagOf(feed.body)
  const lastModified = new Date(feed.updated)
  reply.header('etag', etag).header('last-modified', lastModified.toUTCString()).header('cache-control', personal ? 'private, max-age=60' : 'public, max-age=60').type(TYPES[format])
  if (notModified(request.headers, etag, lastModified)) return reply.code(304).send()
  return reply.send(feed.body)
}

/**
 * Registers `<base>/feed.rss`, `<base>/feed.atom` and `<base>/feed.json` for one loader, which runs with
 * the reader's actor and answers the feed, null (404) or where the subject moved (301). A base with a
 * parameter says which kind of subject fills it (`shows`, as every GET route does).
 *
 * `personal: true` also registers `<base>/member-feed.{rss,atom,json}` for spaces that are not public: a
 * feed reader has no session, so it reads them as the person whose secret key is in `?key=` (see
 * core/auth/feed-keys.ts), or with the session cookie in a browser. These are never cached and always private.
 */
export function registerFeeds(
  app: FastifyInstance,
  base: string,
  load: (request: FastifyRequest<{ Params: Record<string, string> }>, actor: Actor) => Promise<FeedLoad>,
  options: { shows?: string; personal?: boolean } = {},
): void {
  const prefix = base === '/' ? '' : base
  const serve = async (request: FastifyRequest<{ Params: Record<string, string> }>, reply: FastifyReply, format: FeedFormat, name: string, actor: Actor, personal: boolean) => {
    const loaded = await load(request, actor)
    if (!loaded) return reply.callNotFound()
    const query = personal && typeof (request.query as { key?: unknown }).key === 'string' ? `?key=${encodeURIComponent((request.query as { key: string }).key)}` : ''
    if ('movedTo' in loaded) return reply.redirect(`${loaded.movedTo === '/' ? '' : loaded.movedTo}/${name}.${format}${query}`, 301)
    const selfPath = `${request.url.split('?')[0]}${query}`
    return sendFeed(request, reply, renderFeed(loaded, format, app.config.baseUrl, selfPath), format, personal || request.user !== null)
  }
  for (const format of ['rss', 'atom', 'json'] as const) {
    app.get<{ Params: Record<string, string> }>(`${prefix}/feed.${format}`, { config: { cache: true, cacheQuery: [], serves: 'feed', shows: options.shows } }, (request, reply) => serve(request, reply, format, 'feed', request.actor, false))
    if (!options.personal) continue
    // The key is the only query parameter (core/http/input.ts drops undeclared ones).
    app.get<{ Params: Record<string, string> }>(`${prefix}/member-feed.${format}`, { config: { serves: 'feed', shows: options.shows }, schema: { querystring: query({ key: text(100) }) } }, async (request, reply) => {
      const key = (request.query as { key?: unknown }).key
      // Without a key this is the reader's own feed (a public community's is anyone's); an unknown or reset key is a 404.
      const actor = key !== undefined ? await actorForFeedKey(app.db, key) : request.actor
      if (!actor) return reply.callNotFound()
      reply.header('x-robots-tag', 'noindex').header('referrer-policy', 'no-referrer')
      return serve(request, reply, format, 'member-feed', actor, true)
    })
  }
}
