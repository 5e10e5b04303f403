import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { query, text } from '../../core/http/schemas.ts'
import { COUNT_CAP, searchDocuments } from '../../core/search/search.ts'
import { feedLinks } from '../../core/feeds/feeds.ts'
import { searchPageWriter } from './search.view.ts'


const PAGE_SIZE = 20
const MAX_PAGE = 50

/** Home, search, about and the accessibility statement. */
export async function homePages(plain: FastifyInstance): Promise<void> {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>()
  // The search filter lists the document types the modules declare, in module order.
  const SEARCH_TYPES = app.modules.flatMap((m) => m.searchTypes ?? [])
  const known = new Set(SEARCH_TYPES.map((t) => t.type))
  const labels = Object.fromEntries(SEARCH_TYPES.map((t) => [t.type, t.label.replace(/s$/, '').replace(/ie$/, 'y')]))
  // The page's content is written in TypeScript from pieces built once (search.view.ts); the layout stays Nunjucks.
  const searchPage = searchPageWriter(SEARCH_TYPES)
  app.get('/', { config: { cache: true, cacheQuery: [], serves: 'page' } }, async (request, reply) => {
    const sections = await app.panels(request, 'home', { id: '', slug: '' })
    return reply.render('home/index.njk', { title: 'Work in the open, together', sections, feeds: feedLinks('/', 'Openly: latest posts'), metaDescription: 'Openly is where public-sector people, teams and organisations work in the open: weeknotes, projects, organisations and communities of practice.' })
  })

  app.get('/search', { config: { cache: true, serves: 'page' }, schema: { querystring: query({ q: text(20_000), type: Type.Array(text(40), { maxItems: 20 }), page: text(10) }) } }, async (request, reply) => {
    const query = request.query
    const q = typeof query.q === 'string' ? query.q.slice(0, 500) : ''
    const types = [query.type].flat().filter((t): t is string => typeof t === 'string' && known.has(t))
    const page = Math.min(MAX_PAGE, Math.max(1, Number.parseInt(String(query.page ?? '1'), 10) || 1))
    const result = q.trim()
      ? await searchDocuments(app.db, app.dialect, request.actor, q, { types, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE })
      : { hits: [], counts: {}, total: 0, capped: false }
    const base = new URLSearchParams({ q })
    for (const t of types) base.append('type', t)
    const pageUrl = (n: number) => {
      const p = new URLSearchParams(base)
      p.set('page', String(n))
      return `/search?${p}`
    }
    // Only the counted matches can be paged to (the ranking window): no link to an empty page past them.
    const lastPage = Math.min(MAX_PAGE, Math.ceil(Math.min(result.total, COUNT_CAP) / PAGE_SIZE))
    const status = result.capped ? `More than ${COUNT_CAP.toLocaleString('en')} results` : `${result.total} ${result.total === 1 ? 'result' : 'results'}`
    const content = searchPage({
      q,
      types,
      counts: result.counts,
      status,
      hits: result.hits.map((h) => ({ ...h, label: labels[h.type] ?? h.type })),
      previous: page > 1 ? pageUrl(page - 1) : null,
      next: page < lastPage ? pageUrl(page + 1) : null,
      timeZone: request.user?.timeZone,
    })
    return reply.renderContent('home/search.njk', { title: q ? `Search results for “${q}”` : 'Search', content, noindex: true })
  })

  // Crawlers: the sitemap lists what anonymous readers may see. Personal pages and search results are not for
  // crawling; filtered and paged lists stay crawlable so their noindex is seen (a Disallow would hide it).
  const robots = ['User-agent: *', 'Disallow: /account/', 'Disallow: /admin', 'Disallow: /moderation', 'Disallow: /notifications', 'Disallow: /search', 'Disallow: /*/member-feed.', '', `Sitemap: ${app.config.baseUrl}/sitemap.xml`, ''].join('\n')
  app.get('/robots.txt', { config: { serves: 'static' } }, async (_request, reply) => reply.type('text/plain; charset=utf-8').header('cache-control', 'public, max-age=86400').send(robots))

  app.get('/about', { config: { cache: true, cacheQuery: [], cacheTopics: [], serves: 'page' } }, async (_request, reply) => reply.render('home/about.njk', { title: 'About Openly' }))
  app.get('/accessibility', { config: { cache: true, cacheQuery: [], cacheTopics: [], serves: 'page' } }, async (_request, reply) => reply.render('home/accessibility.njk', { title: 'Accessibility statement' }))
}
