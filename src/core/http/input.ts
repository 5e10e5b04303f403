import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify'
import fp from 'fastify-plugin'
import { AppError } from '../errors.ts'
import { isApiRequest } from './errors.ts'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Only a signed-in person may use this route: pages send others to sign in and back, the API answers 401. */
    signIn?: boolean
  }
}

/** Longest value a path parameter may have unless its route says otherwise (slugs, handles and ids are far shorter). */
const PARAM_MAX = 200

type JsonSchema = { type?: string; properties?: Record<string, unknown>; additionalProperties?: unknown; required?: string[] }

/** An object schema with every name in the route's path as a bounded string, unless the route declared its own. */
function pathParamsSchema(url: string): JsonSchema | null {
  const names = [...url.matchAll(/:([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!)
  if (names.length === 0) return null
  return { type: 'object', properties: Object.fromEntries(names.map((n) => [n, { type: 'string', maxLength: PARAM_MAX }])), required: names, additionalProperties: false }
}

/** Sends a person who is not signed in to sign in (pages) or answers 401 (the API). */
async function requireSignIn(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (request.user) return
  if (isApiRequest(request)) throw new AppError('unauthorised', 401, 'Sign in to do that')
  // A GET comes back to where it was; after a form post, back to the page the form was on if known.
  const back = request.method === 'GET' ? request.url : String(request.headers.referer ?? '').replace(/^https?:\/\/[^/]+/, '') || '/'
  await reply.redirect(`/sign-in?next=${encodeURIComponent(back.startsWith('/') ? back : '/')}`, 303)
}

/**
 * Input is parsed by schema for every route, present and future (issue 12), in one place:
 * - the query string: each route's `schema.querystring` decides which parameters exist; a route that
 *   declares none sees none. Unknown parameters are dropped (`additionalProperties: false`), and a
 *   parameter given twice where one value is expected is a 400 (Fastify's Ajv coerces a single value
 *   to an array where a list is declared, not the other way round);
 * - the path: every parameter is a string of bounded length unless the route declares its own schema;
 * - `config.signIn`: checked right after the session is known and before the body is read, so a form
 *   posted by someone signed out costs no parsing.
 * Handlers then read `request.query` and `request.params` typed from their schema (TypeBox type provider).
 */
export const inputPlugin = fp(
  async (app: FastifyInstance) => {
    app.addHook('onRoute', (route: RouteOptions) => {
      const schema = (route.schema ??= {})
      // A cacheable route may name its parameters in config.cacheQuery instead: each is a bounded text value.
      const declared = route.config?.cacheQuery?.length ? { type: 'object', properties: Object.fromEntries(route.config.cacheQuery.map((n) => [n, { type: 'string', maxLength: PARAM_MAX }])) } : null
      const query = (schema.querystring ?? declared ?? { type: 'object', properties: {} }) as JsonSchema
      if (query.additionalProperties === undefined) query.additionalProperties = false
      schema.querystring = query
      if (!schema.params) {
        const params = pathParamsSchema(route.url)
        if (params) schema.params = params
      }
      // Route-level onRequest hooks run after the global ones (the session is loaded) and before the body is parsed.
      if (route.config?.signIn) route.onRequest = [...[route.onRequest ?? []].flat(), requireSignIn]
    })
  },
  { name: 'openly-input' },
)

/** The signed-in person on a route with `config.signIn` (typed without `!`; a 401 should the option be missing). */
export function userOf(request: FastifyRequest): NonNullable<FastifyRequest['user']> {
  if (!request.user) throw new AppError('unauthorised', 401, 'Sign in to do that')
  return request.user
}
