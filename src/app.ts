import { randomUUID } from 'node:crypto'
import Fastify, { type FastifyInstance } from 'fastify'
import type { Config } from './config.ts'
import type { DatabaseHandle } from './core/db/database.ts'
import type { AppModule } from './core/module.ts'
import { sessionPlugin } from './core/auth/plugin.ts'
import { pageCachePlugin } from './core/cache/plugin.ts'
import { apiDocsPlugin } from './core/http/api-docs.ts'
import { keepPersonalResponsesPrivate } from './core/http/cache-headers.ts'
import { installErrorHandlers } from './core/http/errors.ts'
import { inputPlugin } from './core/http/input.ts'
import { BODY_LIMIT, bodiesPlugin } from './core/http/bodies.ts'
import { jobsPlugin } from './core/jobs/plugin.ts'
import { jobsAdminRoutes } from './core/jobs/routes.admin.ts'
import { mailRoutes } from './core/mail/routes.ts'
import { securityPlugin } from './core/http/security.ts'
import { transportPlugin } from './core/http/transport.ts'
import { moduleRegistryPlugin } from './core/registry/plugin.ts'
import { routeListPlugin } from './core/registry/route-list.ts'
import { decorateServices } from './core/services.ts'
import { viewsPlugin } from './core/views/plugin.ts'
import { modules as defaultModules } from './modules.ts'

/**
 * Fastify's trustProxy from TRUST_PROXY. A hop count trusts that many addresses nearest the server whoever they are
 * (Fastify itself no longer accepts a bare number): only safe when the app cannot be reached but through the proxies.
 */
function trustedProxies(setting: Config['trustProxy']): false | string[] | ((address: string, hop: number) => boolean) {
  if (typeof setting !== 'number') return setting
  return (_address, hop) => hop < setting
}

export interface BuildOptions {
  modules?: AppModule[]
  /** Pino logger options or false. */
  logger?: boolean | object
}

/**
 * Builds the app without listening: the core plugins, then every module. The database must already be migrated.
 * The order is the request path: a cached page is answered by the first hook, before anything else runs.
 */
export async function buildApp(config: Config, database: DatabaseHandle, options: BuildOptions = {}): Promise<FastifyInstance> {
  const modules = options.modules ?? defaultModules
  const app = Fastify({
    logger: options.logger ?? { level: config.logLevel, redact: ['req.headers.cookie', 'req.headers.authorization'] },
    bodyLimit: BODY_LIMIT,
    trustProxy: trustedProxies(config.trustProxy),
    genReqId: () => randomUUID(),
  })
  try {
    decorateServices(app, config, database)
    // Background jobs: `app.jobs` for every plugin; the workers start when the app is ready.
    await app.register(jobsPlugin, { database, modules })
    await app.register(pageCachePlugin, { database, maxBytes: config.pageCacheBytes })
    // Before any plugin that adds a route, so that every route is listed (for the access leak matrix).
    await app.register(routeListPlugin)
    // Query strings and path parameters parsed by schema for every route; `config.signIn` checked before bodies are read.
    await app.register(inputPlugin)
    // Bodies bounded for every content type; each route takes only the types it expects (415 before reading).
    await app.register(bodiesPlugin, { uploadMaxBytes: config.uploadMaxBytes })
    // Compression, validators and 304s, 405 with Allow, CORS for the API: before any route, after the page cache.
    await app.register(transportPlugin)
    await app.register(securityPlugin, { config })
    await app.register(sessionPlugin, { modules })
    // Responses to signed-in requests are private to shared caches; every response varies by the session cookie.
    keepPersonalResponsesPrivate(app)
    await app.register(apiDocsPlugin, { config })
    await app.register(viewsPlugin, { config, modules })
    installErrorHandlers(app)
    await app.register(jobsAdminRoutes)
    await app.register(moduleRegistryPlugin, { modules })
    // After the registry: unsubscribe links reach the lists the modules declare.
    await app.register(mailRoutes)
  } catch (err) {
    // Release what the plugins registered so far hold (the cache's LISTEN connection), so the caller can close the database.
    await app.close().catch(() => {})
    throw err
  }
  return app
}
