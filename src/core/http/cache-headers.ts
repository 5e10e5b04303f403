import type { FastifyInstance } from 'fastify'

/**
 * Shared caches (a CDN, a proxy, a corporate cache) in front of Openly must never hand one reader's
 * response to another. What a page, feed or API response shows depends on who is signed in (a
 * members-only community's feed, a draft, a proposed organisation link), so, for every route but the
 * static assets (the same bytes for everyone):
 * - a response to a signed-in request is `Cache-Control: private` (a route's `public` becomes
 *   `private`; `no-store` and `private` are kept), so no shared cache stores it;
 * - every response carries `Vary: Cookie`, so a cache that does store an anonymous page keeps it for
 *   requests without the session cookie only.
 * One hook rather than a header in each route: a new route cannot forget it.
 */
export function keepPersonalResponsesPrivate(app: FastifyInstance): void {
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.routeOptions.config?.serves === 'static' || request.url.startsWith('/assets/')) return payload
    const vary = String(reply.getHeader('vary') ?? '')
    if (!/(^|,)\s*(cookie|\*)\s*(,|$)/i.test(vary)) reply.header('vary', vary ? `${vary}, Cookie` : 'Cookie')
    if (request.user) {
      const cacheControl = String(reply.getHeader('cache-control') ?? '')
      if (!/\b(private|no-store)\b/i.test(cacheControl)) {
        const rest = cacheControl.split(',').map((d) => d.trim()).filter((d) => d && d.toLowerCase() !== 'public')
        reply.header('cache-control', ['private', ...rest].join(', '))
      }
    }
    return payload
  })
}
