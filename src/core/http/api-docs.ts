import type { FastifyInstance, RouteOptions } from 'fastify'
import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import type { Config } from '../../config.ts'

/** RFC 9457 problem details: every API error, as errors.ts sends it. */
const PROBLEM = {
  type: 'object',
  required: ['type', 'title', 'status'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    errors: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } },
  },
}
const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: PROBLEM } } })

/** What a declared error status means, for the description. */
const ERRORS: Record<number, string> = {
  401: 'Not signed in',
  403: 'Not allowed',
  409: 'In conflict with the current state',
  415: 'Not JSON: writes take application/json only',
  422: 'The body is not valid: `errors` names each field',
}

/** `GET /api/v1/projects/:slug` → `getProjectsBySlug`: stable, unique per method and path, readable in generated clients. */
export function operationIdOf(method: string, url: string): string {
  const words = url.replace(/^\/api\/v1\/?/, '').split('/').filter(Boolean).flatMap((part) => (part.startsWith(':') ? ['by', part.slice(1)] : [part]))
  const camel = words.flatMap((w) => w.split(/[^A-Za-z0-9]+/)).filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1)).join('')
  return `${method.toLowerCase()}${camel}`
}

/**
 * What every API operation can answer besides its success, declared from the route itself so none is
 * forgotten: 304 (every GET carries an ETag), 400 for a bad query or path (a malformed cursor included), 404
 * where a path parameter or filter names something, 429 where a rate limit applies; all problem+json.
 */
function describeOperation(route: RouteOptions): void {
  const schema = { ...(route.schema ?? {}) } as Record<string, any>
  const method = [route.method].flat()[0]!
  schema.operationId ??= operationIdOf(method, route.url)
  const response: Record<string, unknown> = { ...(schema.response ?? {}) }
  if (method === 'GET') response[304] ??= { description: 'Not modified: the If-None-Match header names the current ETag' }
  if (schema.querystring || schema.params) response[400] = problem('The query or path is not valid (a malformed cursor included)')
  if (schema.params || route.config?.filters) response[404] = problem('Not found, or not visible to you')
  if (route.config?.rateLimit) response[429] = problem('Too many requests: wait before trying again (see Retry-After)')
  if (route.config?.signIn) response[401] = problem('Not signed in')
  // Whatever other error a route declares is sent as problem+json too (errors.ts): say so, whatever schema it gave.
  for (const status of Object.keys(response)) if (Number(status) >= 400 && !(response[status] as { content?: unknown }).content) response[status] = problem(ERRORS[Number(status)] ?? 'The request cannot be done')
  schema.response = response
  route.schema = schema
}

/**
 * The API's OpenAPI 3.1 description at /api/v1/openapi.json, generated from the route schemas of every
 * /api/v1 route (pages and other routes are left out). Register before any route, so it sees them all.
 */
export const apiDocsPlugin = fp(
  async (app: FastifyInstance, options: { config: Config }) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: { title: 'Openly API', version: '1.0.0', description: 'Openly: projects, organisations, posts and more, and, signed in, your own follows, notification choices and blog feeds. Same access rules as the pages; writes take JSON only; errors are application/problem+json.' },
        servers: [{ url: options.config.baseUrl }],
      },
    })
    app.addHook('onRoute', (route) => {
      if (!route.url.startsWith('/api/v1')) route.schema = { ...(route.schema ?? {}), hide: true }
      else if (!route.schema?.hide && [route.method].flat().some((m) => ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(m))) describeOperation(route)
    })
    app.get('/api/v1/openapi.json', { config: { serves: 'api' }, schema: { hide: true } }, async () => app.swagger())
  },
  { name: 'openly-api-docs' },
)
