import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import type { OpenlyMigration } from './db/migrations.ts'
import type { Db } from './db/database.ts'
import type { Config } from '../config.ts'
import type { Policy } from './access/can.ts'

export interface NavItem {
  href: string
  text: string
}

/** Context for seeding demo content: runs inside one transaction. */
export interface SeedContext {
  db: Db
  config: Config
  /** Sign-in details of demo accounts, printed on start. */
  accounts: Array<{ email: string; password: string; note: string }>
}

/**
 * A feature module's manifest: the product at a glance is the list of these in modules.ts.
 * Modules call each other only through exported functions, never each other's tables.
 */
export interface AppModule {
  id: string
  dependsOn: string[]
  migrations?: Record<string, OpenlyMigration>
  /** Folder holding this module's templates (namespaced by module: `views/<id>/*.njk`). */
  views?: string
  /** HTML routes, registered without prefix in their own encapsulated context. */
  pages?: FastifyPluginAsync
  /** JSON API routes, registered under /api/v1. */
  api?: FastifyPluginAsync
  nav?: NavItem[]
  /**
   * Sections this module adds to other modules' pages, keyed by subject type ('project',
   * 'organisation', 'person', 'community'): e.g. posts adds the timeline to a project page.
   * Each returns HTML (rendered with app.views) already filtered by the access policy, or ''.
   */
  panels?: Record<string, PanelProvider>
  /** Public URLs (paths) for /sitemap.xml: only what an anonymous reader may see. */
  sitemap?: (db: Db) => Promise<Array<{ path: string; updated?: string }>>
  /**
   * Values every page template gets for a signed-in person (e.g. the unread notification count
   * for the header). Runs once per signed-in request, so keep it to one cheap indexed query.
   */
  locals?: (request: FastifyRequest) => Promise<Record<string, unknown>>
  /** Content types this module lets people report and moderators hide (see modules/moderation). */
  moderation?: Record<string, ModeratableType>
  /** The access rules of each kind of resource this module owns (one policy file per kind), for `can()`. */
  policies?: Array<Policy<any>>
  /** The document types this module writes to the search index, with their plural label for the search filter. */
  searchTypes?: Array<{ type: string; label: string }>
  /** Demo content for a new database (DEMO_CONTENT), run in dependency order. */
  seed?: (ctx: SeedContext) => Promise<void>
}

/** Renders one module's section on another module's page. */
export type PanelProvider = (request: FastifyRequest, subject: { id: string; slug: string }) => Promise<string>

/** How the moderation module finds, hides and restores one type of content owned by another module. */
export interface ModeratableType {
  /** Human label, e.g. 'thread', 'reply', 'post', 'document'. */
  label: string
  /** Loads facts about the item, or null if it does not exist. */
  load(db: Db, id: string): Promise<{ spaceId: string | null; authorId: string | null; title: string; url: string; hiddenAt: string | null; visibleFrom?: string | null } | null>
  /** Hides (hidden=true) or restores the item; must also update the search index. */
  setHidden(db: Db, id: string, hidden: boolean): Promise<void>
}

/** How a route relates to content, for the access leak matrix: every GET route must say. */
export type RouteServes = 'page' | 'feed' | 'api' | 'file' | 'form' | 'static' | 'health' | 'redirect'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Anonymous responses of this route may be cached whole (see core/cache/plugin.ts). */
    cache?: boolean
    /**
     * With `cache`: the query parameters the page depends on ([] for none). The cache key and the handler's
     * `request.query` keep only these, so made-up parameters cannot bypass the cache or evict its pages.
     */
    cacheQuery?: readonly string[]
    /** With `cache`: the topics (content types such as 'posts', or 'space:<id>') the page shows; default: anything. */
    cacheTopics?: readonly string[]
    /**
     * On a write route: the topics a successful request changes for anonymous readers, which drops the cached
     * pages that show them. Default: everything. `[]` for writes no anonymous reader sees (signing in or out,
     * reading notifications, a request for a reset link).
     */
    invalidates?: readonly string[]
    serves?: RouteServes
  }
}
