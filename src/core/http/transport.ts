import { SESSION_COOKIE } from '../auth/sessions.ts'
import { constants as zlib } from 'node:zlib'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import compress from '@fastify/compress'
import FindMyWay from 'find-my-way'
import { etagOf, notModified } from './conditional.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** The methods some route answers for this path (for 405 and its Allow header); empty when no route has it. */
    allowedMethods(path: string): string[]
  }
}

/** Types worth compressing: text, JSON and XML of any flavour (problem+json, feed+json, atom+xml…), JavaScript, SVG. */
export const COMPRESSIBLE = /^text\/|[/+](json|xml)(;|$)|^application\/(javascript|manifest\+json)|^image\/svg\+xml/
/** Below this, compression costs more than it saves (and a 304 is smaller still). */
export const COMPRESS_THRESHOLD = 1024

const addVary = (current: unknown, name: string) => {
  const vary = String(current ?? '')
  return new RegExp(`(^|,)\\s*(${name}|\\*)\\s*(,|$)`, 'i').test(vary) ? vary : vary ? `${vary}, ${name}` : name
}

/**
 * How Openly speaks HTTP to browsers, feed readers, proxies and API clients:
 * - compression (brotli and gzip, @fastify/compress) of HTML, CSS, JavaScript, feeds and JSON; cached anonymous
 *   pages are compressed once when stored (core/cache), not per request;
 * - an ETag on every GET answer with a body (pages, feeds, the API; not a body carrying a fresh CSRF token, which
 *   is never the same twice): weak, because the same page compressed or
 *   not is the same page; If-None-Match compared weakly, with lists and `*`, answers 304;
 * - 405 with `Allow` when a path exists for other methods (see errors.ts);
 * - CORS for anonymous GETs of the API, so other websites can read what anyone may read.
 * Register before the routes (compression hooks each route as it is added) and after the page cache.
 */
export const transportPlugin = fp(
  async (app: FastifyInstance) => {
    // Which methods each path has: a router of our own over the same patterns, asked only on a 404.
    const methods = FindMyWay({ ignoreTrailingSlash: false })
    const seen = new Set<string>()
    app.addHook('onRoute', (route) => {
      // The API's OPTIONS wildcard (CORS preflights) is not a method of every path.
      if (route.url === '/api/*') return
      for (const method of [route.method].flat()) {
        if (seen.has(`${method} ${route.url}`)) continue
        seen.add(`${method} ${route.url}`)
        methods.on(method as 'GET', route.url, () => {})
      }
    })
    const KNOWN = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const
    app.decorate('allowedMethods', (path: string) => KNOWN.filter((m) => methods.find(m, path) !== null))

    // Validators: hash of the body as sent before compression. A 304 has no body and keeps the headers a
    // cache needs to update its copy (ETag, Cache-Control, Vary, Last-Modified).
    app.addHook('onSend', async (request, reply, payload) => {
      if (request.method !== 'GET' && request.method !== 'HEAD') return payload
      const type = String(reply.getHeader('content-type') ?? '')
      // Lower case, as @fastify/compress looks for it (case-sensitively) before adding its own.
      if (COMPRESSIBLE.test(type)) reply.header('vary', addVary(reply.getHeader('vary'), 'accept-encoding'))
      if (reply.statusCode !== 200 || (typeof payload !== 'string' && !Buffer.isBuffer(payload))) return payload
      // A body carrying a CSRF token made for it (every signed-in page: the header's sign-out form) is never the same
      // twice, so its hash could never match an If-None-Match: no ETag, no hashing (a tenth of such a page's CPU),
      // and a conditional GET of it is answered in full, as it always was in effect (decision 0042).
      if (request.tokenIssued && !reply.hasHeader('etag')) return payload
      let etag = reply.getHeader('etag') as string | undefined
      if (!etag) {
        etag = etagOf(payload)
        reply.header('etag', etag)
      }
      const lastModified = reply.getHeader('last-modified')
      if (notModified(request.headers, etag, lastModified ? new Date(String(lastModified)) : undefined)) {
        reply.code(304).removeHeader('content-type').removeHeader('content-length')
        return ''
      }
      return payload
    })

    await app.register(compress, {
      global: true,
      // gzip first when a client takes both (every browser): with malloc's mmap threshold fixed (decision 0048) each
      // brotli call maps and unmaps its multi-megabyte tables, 0.33 ms for a 21 kB page at quality 4 against gzip -6's
      // 0.10 ms, for 5% fewer bytes. Cached pages keep brotli, compressed once when stored (core/cache/compressed.ts).
      encodings: ['gzip', 'br'],
      threshold: COMPRESS_THRESHOLD,
      customTypes: COMPRESSIBLE,
      // Brotli for clients that take it but not gzip: quality 4 compresses about as well as gzip -6.
      brotliOptions: { params: { [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT, [zlib.BROTLI_PARAM_QUALITY]: 4 } },
      // A page up to 64 kB is compressed in one call on the event loop (gzip -6: 0.1 ms for a 21 kB page) rather
      // than through a zlib stream on libuv's threadpool, whose setup and scheduling cost far more than compressing:
      // the plugin's default for two cores (8 kB) sent every signed-in page through a stream, 1.13 ms a request
      // against 0.2 uncompressed (docs/performance.md, *Signed-in pages as browsers ask for them*).
      syncThreshold: 64 * 1024,
    })

    // CORS: the read API for anonymous callers from any origin. Credentials are never allowed (no
    // Access-Control-Allow-Credentials), and a request carrying a session cookie gets no CORS headers at all;
    // any other request gets them, so an anonymous answer is the same for every anonymous caller (the page
    // cache replays it).
    app.addHook('onSend', async (request, reply, payload) => {
      if (!request.url.startsWith('/api/') || request.headers.cookie?.includes(`${SESSION_COOKIE}=`)) return payload
      if (request.method === 'GET' || request.method === 'HEAD') {
        reply.header('access-control-allow-origin', '*').header('access-control-expose-headers', 'ETag, Last-Modified, Link')
      }
      return payload
    })
    app.options('/api/*', { config: { serves: 'static' }, schema: { hide: true } }, async (request, reply) => {
      const path = request.url.split('?')[0]!
      const allowed = app.allowedMethods(path).filter((m) => m === 'GET' || m === 'HEAD')
      if (!allowed.length) return reply.callNotFound()
      return reply
        .code(204)
        .header('access-control-allow-origin', '*')
        .header('access-control-allow-methods', 'GET, HEAD')
        .header('access-control-allow-headers', 'Accept, If-None-Match, If-Modified-Since')
        .header('access-control-max-age', '86400')
        .header('allow', [...allowed, 'OPTIONS'].join(', '))
        .send()
    })
  },
  { name: 'openly-transport' },
)
