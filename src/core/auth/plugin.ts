import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { ANONYMOUS, type Actor } from '../access/policy.ts'
import { isNewcomer } from '../access/trust.ts'
import type { AppModule } from '../module.ts'
import { hostCookie } from './cookies.ts'
import { loadSession, SESSION_COOKIE, type SessionUser } from './sessions.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** Who is asking, for the access policy. */
    actor: Actor
    /** The signed-in person, or null. */
    user: SessionUser | null
  }
  interface FastifyReply {
    /** Values hooks add for every template on this request (e.g. notificationCount). */
    locals: Record<string, unknown>
  }
}

/**
 * Who is asking: one query per request with a session cookie, none without. Sets `request.user` and
 * `request.actor`, clears a cookie whose session is gone, and for a signed-in person runs the modules'
 * `locals` (e.g. the unread notification count in the header).
 */
export const sessionPlugin = fp(
  async (app: FastifyInstance, options: { modules: AppModule[] }) => {
    const localsProviders = options.modules.filter((m) => m.locals)
    app.decorateRequest('actor', null as unknown as Actor)
    app.decorateRequest('user', null)
    app.decorateReply('locals', null as unknown as Record<string, unknown>)
    const cookie = hostCookie(SESSION_COOKIE, app.config.secureCookies)
    app.addHook('onRequest', async (request, reply) => {
      reply.locals = {}
      const token = request.cookies[cookie]
      const user = token ? await loadSession(app.db, token) : null
      request.user = user
      request.actor = user ? { userId: user.id, isAdmin: user.isAdmin, newcomer: isNewcomer(user, app.config.trust) } : ANONYMOUS
      if (token && !user) reply.clearCookie(cookie, { path: '/', secure: app.config.secureCookies })
      if (user) for (const m of localsProviders) Object.assign(reply.locals, await m.locals!(request))
    })
  },
  { name: 'openly-session', dependencies: ['@fastify/cookie'] },
)
