import { createHash, randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Fastify, { type FastifyInstance } from 'fastify'
import cookie from '@fastify/cookie'
import formbody from '@fastify/formbody'
import csrf from '@fastify/csrf-protection'
import helmet from '@fastify/helmet'
import rateLimit from '@fastify/rate-limit'
import swagger from '@fastify/swagger'
import fastifyStatic from '@fastify/static'
import type nunjucks from 'nunjucks'
import type { Config } from './config.ts'
import type { Kysely } from 'kysely'
import type { DatabaseHandle, Dialect } from './core/db/database.ts'
import type { CoreDb } from './core/core.tables.ts'
import { registerAllPolicies } from './core/access/spaces.policy.ts'
import { isReachable } from './core/db/database.ts'
import { ANONYMOUS, type Actor } from './core/access/policy.ts'
import { loadSession, SESSION_COOKIE, type SessionUser } from './core/auth/sessions.ts'
import { isNewcomer } from './core/access/trust.ts'
import { PageCache } from './core/cache/page-cache.ts'
import { keepPersonalResponsesPrivate } from './core/http/cache-headers.ts'
import { installErrorHandlers } from './core/http/errors.ts'
import { errorList } from './core/http/forms.ts'
import { AppError } from './core/errors.ts'
import { createMailer, type Mailer } from './core/mail/mailer.ts'
import { compileAssets, type CompiledAssets } from './core/views/assets.ts'
import { buildChrome } from './core/views/chrome.ts'
import { createViewEnvironment } from './core/views/environment.ts'
import type { AppModule } from './core/module.ts'
import { createPanels } from './core/panels.ts'
import { modules as defaultModules } from './modules.ts'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

declare module 'fastify' {
  interface FastifyInstance {
    config: Config
    /** The database, with no table visible: modules narrow it to their own tables (see core/db/database.ts). */
    db: Kysely<{}>
    dialect: Dialect
    mailer: Mailer
    pageCache: PageCache
    views: nunjucks.Environment
    assets: CompiledAssets
    /** HTML sections other modules contribute to a page about a subject (see core/panels.ts). */
    panels: ReturnType<typeof createPanels>
    modules: AppModule[]
    /** Every route registered (method + url + config), for the access leak matrix. */
    routeList: Array<{ method: string; url: string; serves: string | undefined; cache: boolean; shows: string | undefined; filters: Record<string, string> | undefined }>
  }
  interface FastifyRequest {
    /** Who is asking, for the access policy. */
    actor: Actor
    /** The signed-in person, or null. */
    user: SessionUser | null
    cacheKey: string | null
    cacheVersion: number
  }
  interface FastifyReply {
    /** Renders a template with the page's common context (user, CSRF token, navigation) and sends it. */
    render(template: string, data?: Record<string, unknown>): FastifyReply
    /** Values hooks add for every template on this request (e.g. notificationCount). */
    locals: Record<string, unknown>
  }
}

export interface BuildOptions {
  modules?: AppModule[]
  /** Pino logger options or false. */
  logger?: boolean | object
}

/** The inline script GOV.UK's template adds to <body>; allowed by hash so the CSP needs no nonce (cached pages stay valid). */
function govukInlineScriptHash(): string {
  const template = readFileSync(join(root, 'node_modules', 'govuk-frontend', 'dist', 'govuk', 'template.njk'), 'utf8')
  const script = /<script[^>]*>(document\.body\.className[^<]*)<\/script>/.exec(template)?.[1] ?? ''
  return `'sha256-${createHash('sha256').update(script).digest('base64')}'`
}

/** Checks each module's dependsOn against the modules listed before it. */
export function checkModuleOrder(modules: AppModule[]): void {
  const seen = new Set<string>()
  for (const m of modules) {
    for (const dep of m.dependsOn) if (!seen.has(dep)) throw new Error(`Module ${m.id} depends on ${dep}, which must be listed before it in modules.ts`)
    seen.add(m.id)
  }
}

/** Builds the app (core plugins, then every module) without listening. The database must already be migrated. */
export async function buildApp(config: Config, database: DatabaseHandle, options: BuildOptions = {}): Promise<FastifyInstance> {
  const modules = options.modules ?? defaultModules
  checkModuleOrder(modules)
  registerAllPolicies(modules)
  const app = Fastify({
    logger: options.logger ?? { level: config.logLevel, redact: ['req.headers.cookie', 'req.headers.authorization'] },
    bodyLimit: 1024 * 1024,
    trustProxy: true,
    genReqId: () => randomUUID(),
  })
  const assets = await compileAssets()
  const views = createViewEnvironment(modules.flatMap((m) => (m.views ? [m.views] : [])))
  const chrome = buildChrome(modules.flatMap((m) => m.nav ?? []).concat([{ href: '/search', text: 'Search' }]))
  views.addGlobal('assets', assets)
  views.addGlobal('chrome', chrome)
  views.addGlobal('baseUrl', config.baseUrl)

  app.decorate('config', config)
  app.decorate('db', database.db)
  app.decorate('dialect', database.dialect)
  app.decorate('mailer', createMailer(config, app.log))
  app.decorate('pageCache', new PageCache())
  app.decorate('views', views)
  app.decorate('assets', assets)
  app.decorate('panels', createPanels(modules))
  app.decorate('modules', modules)
  app.decorateRequest('actor', null as unknown as Actor)
  app.decorateRequest('user', null)
  app.decorateRequest('cacheKey', null)
  app.decorateRequest('cacheVersion', 0)
  app.decorateReply('locals', null as unknown as Record<string, unknown>)
  app.decorateReply('render', function (this: any, template: string, data: Record<string, unknown> = {}) {
    const request = this.request
    const user: SessionUser | null = request.user
    const needsToken = user !== null || request.routeOptions.config.cache !== true
    const context = {
      ...this.locals,
      ...data,
      user,
      csrfToken: needsToken ? this.generateCsrf() : null,
      currentPath: request.url.split('?')[0],
      errorList: data.errors ? errorList(data.errors as Record<string, string>) : undefined,
    }
    const html = views.render(template, context)
    return this.type('text/html; charset=utf-8').send(html)
  })

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'", govukInlineScriptHash()],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'https:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        upgradeInsecureRequests: config.secureCookies ? [] : null,
      },
    },
    strictTransportSecurity: config.secureCookies,
  })
  await app.register(cookie, { secret: config.sessionSecret })
  await app.register(formbody, { bodyLimit: 1024 * 1024 })
  await app.register(csrf, {
    sessionPlugin: '@fastify/cookie',
    cookieOpts: { path: '/', httpOnly: true, sameSite: 'lax', secure: config.secureCookies, signed: true },
    getToken: (request) => {
      const body = request.body as Record<string, unknown> | undefined
      const field = body?._csrf as unknown
      if (typeof field === 'string') return field
      if (field && typeof field === 'object' && 'value' in field) return String((field as { value: unknown }).value)
      return request.headers['x-csrf-token'] as string | undefined
    },
  })
  await app.register(rateLimit, { global: false })
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Openly API', version: '1.0.0', description: 'Read access to Openly: projects, organisations, posts and more. Same access rules as the pages; errors are application/problem+json.' },
      servers: [{ url: config.baseUrl }],
    },
  })
  app.decorate('routeList', [])
  // Only /api/v1 routes belong in the OpenAPI description.
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) app.routeList.push({ method, url: route.url, serves: route.config?.serves, cache: route.config?.cache === true, shows: route.config?.shows, filters: route.config?.filters })
    if (!route.url.startsWith('/api/v1')) route.schema = { ...(route.schema ?? {}), hide: true }
  })

  const localsProviders = modules.filter((m) => m.locals)
  // Who is asking: one query per request with a session cookie, none without.
  app.addHook('onRequest', async (request, reply) => {
    reply.locals = {}
    const token = request.cookies[SESSION_COOKIE]
    const user = token ? await loadSession(database.db, token) : null
    request.user = user
    request.actor = user ? { userId: user.id, isAdmin: user.isAdmin, newcomer: isNewcomer(user, config.trust) } : ANONYMOUS
    if (token && !user) reply.clearCookie(SESSION_COOKIE, { path: '/' })
    if (user) for (const m of localsProviders) Object.assign(reply.locals, await m.locals!(request))
  })

  // Whole-page cache for anonymous readers (see core/cache/page-cache.ts for why it is safe).
  const cache = app.pageCache
  app.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'GET' || request.user || request.routeOptions.config.cache !== true) return
    const key = request.url
    const hit = cache.get(key)
    if (hit) {
      if (hit.headers.etag && request.headers['if-none-match'] === hit.headers.etag) return reply.code(304).headers({ etag: hit.headers.etag, 'x-cache': 'hit' }).send()
      return reply.code(hit.status).headers({ ...hit.headers, 'x-cache': 'hit' }).send(hit.body)
    }
    request.cacheKey = key
    request.cacheVersion = cache.version
  })
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.cacheKey && reply.statusCode === 200 && typeof payload === 'string' && !reply.getHeader('set-cookie')) {
      const headers: Record<string, string> = {}
      for (const name of ['content-type', 'etag', 'cache-control']) {
        const v = reply.getHeader(name)
        if (v !== undefined) headers[name] = String(v)
      }
      cache.set(request.cacheKey, { status: 200, headers, body: payload }, request.cacheVersion)
      reply.header('x-cache', 'miss')
    }
    return payload
  })
  // Responses to signed-in requests are private to shared caches; every response varies by the session cookie.
  keepPersonalResponsesPrivate(app)
  // Any successful write empties the cache, here and (PostgreSQL) in every other process.
  app.addHook('onResponse', async (request, reply) => {
    if (request.method === 'GET' || request.method === 'HEAD' || request.method === 'OPTIONS' || reply.statusCode >= 400) return
    await invalidatePages(app)
  })

  // PostgreSQL refuses text containing NUL; no legitimate input has it, so refuse it everywhere with a clear 400.
  app.addHook('preValidation', async (request) => {
    if (request.url.includes('%00') || hasNul(request.body)) throw new AppError('invalid_characters', 400, 'The text you entered contains characters that are not allowed')
  })

  // CSRF on every form post (the API is read-only with no cookies needed).
  app.addHook('preHandler', async (request, reply) => {
    if (request.method === 'GET' || request.method === 'HEAD' || request.url.startsWith('/api/')) return
    await new Promise<void>((resolve, reject) => app.csrfProtection(request, reply, (err?: Error) => (err ? reject(err) : resolve())))
  })

  installErrorHandlers(app)

  // Assets: fingerprinted CSS, GOV.UK Frontend's fonts/images/JS, and Openly's small enhancement script.
  app.get(assets.cssPath, { config: { serves: 'static' } }, async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=31536000, immutable').send(assets.css),
  )
  await app.register(fastifyStatic, {
    root: join(root, 'node_modules', 'govuk-frontend', 'dist', 'govuk', 'assets'),
    prefix: '/assets/',
    maxAge: '7d',
    decorateReply: false,
  })
  const govukJs = readFileSync(join(root, 'node_modules', 'govuk-frontend', 'dist', 'govuk', 'govuk-frontend.min.js'), 'utf8')
  const openlyJs = readFileSync(join(root, 'src', 'core', 'assets', 'openly.js'), 'utf8')
  app.get('/assets/govuk-frontend.min.js', { config: { serves: 'static' } }, async (_r, reply) => reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=86400').send(govukJs))
  app.get('/assets/openly.js', { config: { serves: 'static' } }, async (_r, reply) => reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=86400').send(openlyJs))

  app.get('/healthz', { config: { serves: 'health' } }, async (_request, reply) => {
    const ok = await isReachable(database.db)
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable', database: { dialect: database.dialect, reachable: ok } })
  })
  app.get('/api/v1/openapi.json', { config: { serves: 'api' }, schema: { hide: true } }, async () => app.swagger())

  // Sitemap: each module lists only what an anonymous reader may see.
  app.get('/sitemap.xml', { config: { cache: true, serves: 'page' } }, async (_request, reply) => {
    const lists = await Promise.all(modules.map((m) => (m.sitemap ? m.sitemap(database.db) : Promise.resolve([]))))
    const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;')
    const urls = lists.flat().map((u) => `<url><loc>${esc(config.baseUrl + u.path)}</loc>${u.updated ? `<lastmod>${u.updated}</lastmod>` : ''}</url>`)
    return reply.type('application/xml; charset=utf-8').send(`<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${urls.join('')}</urlset>\n`)
  })

  for (const m of modules) {
    if (m.pages) await app.register(m.pages)
    if (m.api) await app.register(m.api, { prefix: '/api/v1' })
  }

  if (database.dialect === 'postgres' && database.pool) await listenForInvalidations(app, database)
  app.addHook('onClose', async () => app.mailer.close())
  await refreshNextScheduled(app)
  return app
}

function hasNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000')
  if (depth > 4 || !value || typeof value !== 'object') return false
  return Object.values(value as Record<string, unknown>).some((v) => hasNul(v, depth + 1))
}

/** Empties the page cache and re-reads when the next scheduled publication is due. */
export async function invalidatePages(app: FastifyInstance): Promise<void> {
  app.pageCache.invalidate()
  await refreshNextScheduled(app)
}

async function refreshNextScheduled(app: FastifyInstance): Promise<void> {
  const core: CoreDb = app.db
  const row = await core
    .selectFrom('search_documents')
    .select((eb) => eb.fn.min('visible_from').as('next'))
    .where('visible_from', '>', new Date().toISOString())
    .executeTakeFirst()
  app.pageCache.setNextScheduled((row?.next as string | null) ?? null)
}

/** PostgreSQL with several processes: tell the others to drop their caches too. */
async function listenForInvalidations(app: FastifyInstance, database: DatabaseHandle): Promise<void> {
  const me = randomUUID()
  const client = await database.pool!.connect()
  // Without a handler, a dropped LISTEN connection would end the process.
  client.on('error', (err) => app.log.warn({ err }, 'cache LISTEN connection lost'))
  await client.query('LISTEN openly_cache')
  client.on('notification', (msg) => {
    if (msg.payload !== me) app.pageCache.invalidate(false)
  })
  app.pageCache.onInvalidate = () => {
    database.pool!.query('select pg_notify($1, $2)', ['openly_cache', me]).catch((err) => app.log.warn({ err }, 'cache NOTIFY failed'))
  }
  app.addHook('onClose', async () => {
    client.release()
  })
}
