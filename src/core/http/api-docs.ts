import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'
import type { Config } from '../../config.ts'

/**
 * The API's OpenAPI 3.1 description at /api/v1/openapi.json, generated from the route schemas of every
 * /api/v1 route (pages and other routes are left out). Register before any route, so it sees them all.
 */
export const apiDocsPlugin = fp(
  async (app: FastifyInstance, options: { config: Config }) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: { title: 'Openly API', version: '1.0.0', description: 'Read access to Openly: projects, organisations, posts and more. Same access rules as the pages; errors are application/problem+json.' },
        servers: [{ url: options.config.baseUrl }],
      },
    })
    app.addHook('onRoute', (route) => {
      if (!route.url.startsWith('/api/v1')) route.schema = { ...(route.schema ?? {}), hide: true }
    })
    app.get('/api/v1/openapi.json', { config: { serves: 'api' }, schema: { hide: true } }, async () => app.swagger())
  },
  { name: 'openly-api-docs' },
)
