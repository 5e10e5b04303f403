import type { FastifyPluginAsync } from 'fastify'
import { moderationRegistry } from './moderation.ts'
import { adminRoutes } from './routes.admin.ts'
import { itemRoutes } from './routes.items.ts'
import { reportRoutes } from './routes.reports.ts'

/** Reports and the queue, acting on items without a report, and the platform admins' pages. */
export const moderationPages: FastifyPluginAsync = async (app) => {
  const registry = moderationRegistry(app.modules)
  await reportRoutes(app, registry)
  await itemRoutes(app, registry)
  await adminRoutes(app)
}
