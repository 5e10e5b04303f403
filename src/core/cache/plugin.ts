import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify'
import fp from 'fastify-plugin'
import type { DatabaseHandle } from '../db/database.ts'
import type { SpaceVisibility } from '../access/access.tables.ts'
import { SESSION_COOKIE } from '../auth/sessions.ts'
import { notModified } from '../http/conditional.ts'
import { COMPRESS_THRESHOLD, COMPRESSIBLE } from '../http/transport.ts'
import { compressOnce, preferredEncoding } from './compressed.ts'
import { cacheKeyOf } from './cache-key.ts'
import { ownedUtf8 } from './owned-bytes.ts'
import { listenForChanges } from './listen.ts'
import { membersTopic, PageCache, READERS_TOPIC, type CachedPage, type Stamp } from './page-cache.ts'
import { installSharedRendering } from './shared.ts'
import { SingleFlight } from './single-flight.ts'
import { nextScheduledPublication } from './schedule.ts'

declare module 'fastify' {
  interface FastifyInstance {
    pageCache: PageCache
  }
  interface FastifyRequest {
    /** An anonymous GET of a cacheable route that was not in the cache: stored after it is sent, if it may be. */
    pageCacheMiss: { key: string; stamp: Stamp; body: Buffer | null } | null
    /** The spaces anonymous readers may see that this write touched, once a route says where it writes (see writesIn). */
    spaceWrites: string[] | null
    /** What this write changes for signed-in readers, once a route says where it writes (see writesIn). */
    readerWrites: string[] | null
  }
}

/** Headers a hit must not replay: per response (set by Node or computed again) or never cacheable. */
const NOT_REPLAYED = new Set(['set-cookie', 'content-length', 'content-encoding', 'date', 'connection', 'keep-alive', 'transfer-encoding', 'x-cache'])
const SESSION_MARK = `${SESSION_COOKIE}=`

const isWrite = (method: string) => method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS'

/** The query parameters a cacheable route declares: `config.cacheQuery`, or the properties of its querystring schema. */
function declaredQuery(route: RouteOptions): string[] | undefined {
  if (route.config?.cacheQuery) return [...route.config.cacheQuery]
  const schema = route.schema?.querystring as { properties?: Record<string, unknown> } | undefined
  return schema?.properties ? Object.keys(schema.properties) : undefined
}

/**
 * Tells the page cache that this write happens in this space (call it for every space the write touches, as it is
 * afterwards). The write then changes only those spaces for anonymous readers: one closed to them (signed-in or
 * members-only) changes nothing they see and keeps every cached page; a public one drops the pages that may show
 * it (topic `space:<id>`, and every page that does not declare its topics). A route that says nothing changes
 * what its `invalidates` says (default: everything).
 */
export function writesIn(request: FastifyRequest, space: { id: string; visibility: SpaceVisibility }): void {
  request.spaceWrites ??= []
  request.readerWrites ??= []
  if (space.visibility === 'public') request.spaceWrites.push(`space:${space.id}`)
  // For pages shared between signed-in readers (decision 0034): a members-only space's writes void only the pages
  // of standings that include it; a signed-in space's, every shared page (every signed-in reader sees it).
  request.readerWrites.push(space.visibility === 'members' ? membersTopic(space.id) : READERS_TOPIC)
}

/** A hit: the stored bytes and headers, straight to the socket, before any other hook runs. */
function sendHit(request: FastifyRequest, reply: FastifyReply, page: CachedPage): void {
  reply.hijack()
  // Weak comparison, lists and If-Modified-Since, as for a rendered response (core/http/conditional.ts).
  if (page.notModified && page.etag && notModified(request.headers, page.etag, page.lastModified)) {
    reply.raw.writeHead(304, page.notModified)
    reply.raw.end()
    return
  }
  // Compressed once when stored (compressed.ts): a hit only picks the bytes the reader's client takes.
  const encoding = page.compressed ? preferredEncoding(request.headers['accept-encoding']) : null
  if (encoding && page.compressed) {
    const body = page.compressed[encoding]
    reply.raw.writeHead(200, { ...page.headers, 'content-encoding': encoding, 'content-length': body.length })
    reply.raw.end(body)
    return
  }
  reply.raw.writeHead(200, page.headers)
  reply.raw.end(page.body)
}

/** The headers every hit of this page sends, computed once, from the headers of the response that was stored. */
function replayedHeaders(reply: FastifyReply, body: Buffer): Pick<CachedPage, 'headers' | 'notModified' | 'etag' | 'lastModified'> {
  const headers: CachedPage['headers'] = {}
  for (const [name, value] of Object.entries(reply.getHeaders())) if (value !== undefined && !NOT_REPLAYED.has(name)) headers[name] = value
  headers['content-length'] = body.length
  headers['x-cache'] = 'hit'
  const etag = typeof headers.etag === 'string' ? headers.etag : null
  const answer304: CachedPage['headers'] = { etag: etag ?? '', 'x-cache': 'hit' }
  for (const name of ['cache-control', 'vary', 'last-modified']) if (headers[name] !== undefined) answer304[name] = headers[name]!
  const lastModified = typeof headers['last-modified'] === 'string' ? new Date(headers['last-modified']) : undefined
  return { headers, etag, notModified: etag ? answer304 : null, lastModified }
}

/**
 * The page cache as Fastify hooks (the cache itself, and why it is safe: page-cache.ts). Register it first:
 * its onRequest hook answers a hit before the session lookup, cookies, security headers or CSRF run, with
 * headers computed once per entry.
 *
 * Route config: `cache: true` opts a GET route in (API reads, `serves: 'api'`, are in unless they say `cache: false`),
 * `cacheQuery` lists the query parameters its page depends on (required; the handler sees only those), `cacheTopics`
 * what it shows (default: anything). On a write route,
 * `invalidates` lists what a successful write changes for anonymous readers (default: everything; `[]` for
 * writes nobody else sees, such as signing in).
 */
export const pageCachePlugin = fp(
  async (app: FastifyInstance, options: { database: DatabaseHandle; maxBytes: number }) => {
    const cache = new PageCache({
      maxBytes: options.maxBytes,
      loadNextScheduled: (asOf) => nextScheduledPublication(options.database.db, asOf),
      onError: (err) => app.log.warn({ err }, 'page cache: reading the next scheduled publication failed; the cache is off until it succeeds'),
    })
    app.decorate('pageCache', cache)
    // Concurrent misses of one key render once (anonymous pages here, shared pages in shared.ts).
    const flights = new SingleFlight()
    app.decorateRequest('pageCacheMiss', null)
    app.decorateRequest('spaceWrites', null)
    app.decorateRequest('readerWrites', null)

    // The key keeps only the query parameters a route declares (its querystring schema, or config.cacheQuery):
    // unique query strings cannot each get an entry. A route that declares none has none (core/http/input.ts
    // gives it an empty schema, so its handler sees no parameters either).
    app.addHook('onRoute', (route) => {
      // The read API is what any anonymous caller may read, like a page: cached and dropped the same way.
      if (route.config?.serves === 'api' && route.method === 'GET' && route.config.cache === undefined) route.config.cache = true
      if (route.config?.cache !== true) return
      route.config.cacheQuery = [...new Set(declaredQuery(route) ?? [])].sort()
    })

    app.addHook('onRequest', (request, reply, done) => {
      if (request.method !== 'GET') return done()
      const config = request.routeOptions.config
      if (config.cache !== true) return done()
      const { key, kept } = cacheKeyOf(request.url, request.query as Record<string, unknown>, config.cacheQuery!)
      // The handler sees only the declared parameters, for everyone, so a page is the same for every URL of its key.
      if (kept) request.query = kept
      request.pageCacheKey = key
      // A session cookie: a signed-in reader (or a stale cookie, which the session hook clears). Never cached.
      if (request.headers.cookie?.includes(SESSION_MARK)) return done()
      const page = cache.get(key)
      // A hit ends here: `done` is not called, so no later hook runs.
      if (page) return sendHit(request, reply, page)
      // A miss: the first reader renders; others asking meanwhile wait for that page (single-flight.ts).
      const waiting = flights.board(key, request)
      if (!waiting) {
        reply.raw.once('close', () => flights.land(key, request))
        request.pageCacheMiss = { key, stamp: cache.stamp(config.cacheTopics ?? null), body: null }
        return done()
      }
      waiting.then(() => {
        const stored = cache.get(key)
        if (stored) return sendHit(request, reply, stored)
        // Not stored (a first request of a query string, an error, a write meanwhile): rendered as without waiting.
        request.pageCacheMiss = { key, stamp: cache.stamp(config.cacheTopics ?? null), body: null }
        done()
      }, done)
    })

    app.addHook('onSend', (request, reply, payload, done) => {
      const miss = request.pageCacheMiss
      if (miss) {
        if (reply.statusCode !== 200 || typeof payload !== 'string') return done(null, payload)
        // Kept in the cache if stored: bytes of its own, not a slice pinning a shared 64 kB slab (owned-bytes.ts).
        miss.body = ownedUtf8(payload)
        reply.header('x-cache', 'miss')
        return done(null, miss.body)
      }
      // A successful write: drop what it changed before answering, so the writer's next page is fresh and cacheable.
      if (isWrite(request.method) && reply.statusCode < 400) {
        const config = request.routeOptions.config
        const changes = request.spaceWrites ?? config.invalidates ?? '*'
        // Pages shared between signed-in readers (shared.ts) show more than anonymous readers see: a write voids them
        // all unless it says it changes nothing others see (keepsSharedPages) or where it wrote (writesIn).
        const readers = config.keepsSharedPages ? [] : (request.readerWrites ?? [READERS_TOPIC])
        cache.changed(changes === '*' ? changes : [...changes, ...readers]).then(() => done(null, payload))
        return
      }
      done(null, payload)
    })

    // After the response, when every onSend hook has run, so the headers (cookies included) are final. The body
    // kept is the one before compression. A compressible page is then compressed once, off the request path,
    // and its compressed bodies join the entry (hits in the meantime get the identity bytes, which are correct).
    app.addHook('onResponse', (request, reply, done) => {
      const miss = request.pageCacheMiss
      if (!miss?.body || reply.statusCode !== 200 || reply.hasHeader('set-cookie')) {
        if (miss) flights.land(miss.key, request)
        return done()
      }
      const body = miss.body
      const stored = cache.store(miss.key, miss.stamp, { body, compressed: null, ...replayedHeaders(reply, body) })
      // Readers waiting for this rendering are served it now (stored) or render for themselves (not).
      flights.land(miss.key, request)
      if (stored && body.length >= COMPRESS_THRESHOLD && COMPRESSIBLE.test(String(reply.getHeader('content-type') ?? ''))) {
        compressOnce(body).then(
          (compressed) => cache.attachCompressed(miss.key, body, compressed),
          (err) => request.log.warn({ err }, 'page cache: compressing a page failed; it is served uncompressed'),
        )
      }
      done()
    })

    // Pages rendered once for every plain signed-in reader, with each reader's header put in (decision 0023).
    installSharedRendering(app, cache, flights)

    const { pool } = options.database
    if (options.database.dialect === 'postgres' && pool) {
      const listener = await listenForChanges(pool, cache, app.log)
      app.addHook('onClose', async () => listener.close())
    }
    app.addHook('onClose', async () => cache.settled())
  },
  { name: 'openly-page-cache' },
)
