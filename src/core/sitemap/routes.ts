import type { FastifyInstance } from 'fastify'
import type { AppModule } from '../module.ts'
import { query, slug, text } from '../http/schemas.ts'
import { indexXml, MAX_URLS, SitemapRanges, urlsetXml } from './sitemap.ts'

/**
 * /sitemap.xml: the index of parts, and each part at /sitemap.xml?part=<source>&from=&to= (sitemap.ts). Both go
 * through the page cache like any anonymous page: a write drops them, and the next request rebuilds only the
 * part it asks for, from one bounded, indexed range.
 */
export function sitemapRoutes(app: FastifyInstance, modules: AppModule[]): void {
  const ranges = new SitemapRanges(app.db, modules.flatMap((m) => m.sitemap ?? []))
  ranges.onError = (err) => app.log.warn({ err }, 'sitemap: cutting a source into parts failed; the parts known so far stay in use')
  const schema = { querystring: query({ part: slug, from: text(40), to: text(40) }) }
  app.get('/sitemap.xml', { config: { cache: true, serves: 'page' }, schema }, async (request, reply) => {
    const { part, from, to } = request.query as { part?: string; from?: string; to?: string }
    reply.type('application/xml; charset=utf-8')
    if (part === undefined) return reply.send(indexXml(app.config.baseUrl, await ranges.parts()))
    const source = ranges.source(part)
    if (!source) return reply.callNotFound()
    // A source cut into ranges reads one of them; one that is not is read whole, up to the format's limit.
    const range = source.keyAfter ? { from: from ?? null, to: to ?? null, limit: ranges.partSize } : { from: null, to: null, limit: MAX_URLS }
    const urls = await source.urls(app.db, range)
    if (source.keyAfter && urls.length >= ranges.partSize) ranges.grew(part)
    return reply.send(urlsetXml(app.config.baseUrl, urls.slice(0, MAX_URLS)))
  })
}
