import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { registerAllPolicies } from '../access/spaces.policy.ts'
import { sharedHealthCheck } from '../db/health.ts'
import type { AppModule } from '../module.ts'
import { createPanels } from '../panels.ts'
import { sitemapRoutes } from '../sitemap/routes.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** HTML sections other modules contribute to a page about a subject (see core/panels.ts). */
    panels: ReturnType<typeof createPanels>
    modules: AppModule[]
  }
}

/** Checks each module's dependsOn against the modules listed before it. */
export function checkModuleOrder(modules: AppModule[]): void {
  const seen = new Set<string>()
  for (const m of modules) {
    for (const dep of m.dependsOn) if (!seen.has(dep)) throw new Error(`Module ${m.id} depends on ${dep}, which must be listed before it in modules.ts`)
    seen.add(m.id)
  }
}

/**
 * The feature modules: their access policies (for `can()`), panels, HTML routes and /api/v1 routes, in the order
 * of modules.ts; and what belongs to all of them: /sitemap.xml (each module lists what an anonymous reader may
 * see: core/sitemap) and /healthz.
 */
export const moduleRegistryPlugin = fp(
  async (app: FastifyInstance, options: { modules: AppModule[] }) => {
    const { modules } = options
    checkModuleOrder(modules)
    registerAllPolicies(modules)
    app.decorate('modules', modules)
    app.decorate('panels', createPanels(modules))

    // For load balancers and monitoring: 503 unless the database answers and takes a write. The page cache is
    // reported too (suspended while a process cannot hear other processes' changes; it recovers by itself).
    const checkDatabase = sharedHealthCheck(app.db)
    app.get('/healthz', { config: { serves: 'health' } }, async (_request, reply) => {
      const database = await checkDatabase()
      const ok = database.reachable && database.writable
      return reply
        .code(ok ? 200 : 503)
        .header('cache-control', 'no-store')
        .send({ status: ok ? 'ok' : 'unavailable', database: { dialect: app.dialect, ...database }, pageCache: app.pageCache.suspended ? 'suspended' : 'on' })
    })

    sitemapRoutes(app, modules)

    for (const m of modules) {
      if (m.pages) await app.register(m.pages)
      if (m.api) await app.register(m.api, { prefix: '/api/v1' })
    }
  },
  { name: 'openly-module-registry' },
)
