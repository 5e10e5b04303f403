import type { FastifyRequest } from 'fastify'
import type { AppModule } from './module.ts'

/**
 * Collects the sections other modules add to a page about `subjectType`, in module order.
 * Lets the project page show the posts timeline without projects knowing about posts.
 */
export function createPanels(modules: AppModule[]) {
  return async function panels(request: FastifyRequest, subjectType: string, subject: { id: string; slug: string }): Promise<string> {
    const providers = modules.flatMap((m) => (m.panels?.[subjectType] ? [m.panels[subjectType]] : []))
    const parts = await Promise.all(providers.map((p) => p(request, subject)))
    return parts.join('\n')
  }
}
