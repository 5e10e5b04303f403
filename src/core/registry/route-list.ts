import type { FastifyInstance, RouteOptions } from 'fastify'
import fp from 'fastify-plugin'
import type { RouteServes } from '../module.ts'

/** One registered route as the access leak matrix (test/access) sees it: what it declares in its config. */
export interface RouteEntry {
  method: string
  url: string
  serves: RouteServes | undefined
  cache: boolean
  /** The kind of subject that fills the route's parameters (the leak matrix fills it with every fixture of that kind). */
  shows: string | undefined
  /** Query parameters naming a subject, by kind. */
  filters: Record<string, string> | undefined
  /** The route's schemas as finally registered (core/http/input.ts fills in the query and path), for the fuzz test. */
  schema(): RouteOptions['schema']
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered, for the access leak matrix. */
    routeList: RouteEntry[]
  }
}

/** What the route list records of a route (one entry per method). */
function entryOf(method: string, route: RouteOptions): RouteEntry {
  return { method, url: route.url, serves: route.config?.serves, cache: route.config?.cache === true, shows: route.config?.shows, filters: route.config?.filters, schema: () => route.schema }
}

/** Records every route registered after it: register it before any plugin that adds routes. */
export const routeListPlugin = fp(
  async (app: FastifyInstance) => {
    app.decorate('routeList', [])
    app.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) app.routeList.push(entryOf(method, route))
    })
  },
  { name: 'openly-route-list' },
)
