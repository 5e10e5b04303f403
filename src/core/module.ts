import type { FastifyPluginAsync, FastifyRequest } from 'fastify'
import type { OpenlyMigration } from './db/migrations.ts'
import type { Db } from './db/database.ts'
import type { Config } from '../config.ts'
import type { Kind, Policy, Resources } from './access/can.ts'
import type { SitemapSource } from './sitemap/sitemap.ts'
import type { JobDefinition, Jobs } from './jobs/jobs.ts'
import type { MailList } from './mail/unsubscribe.ts'
import type { ActivitySource, Followable } from './activity.ts'
import type { MergeHook, MergeKind } from './merge.ts'

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
  /** Every module being seeded (a later module's demo content may act on earlier ones' through their registries). */
  modules: AppModule[]
  /** Background jobs, to enqueue demo jobs in the seed's transaction (nothing runs them during the seed). */
  jobs?: Jobs
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
  /** Public URLs for /sitemap.xml, as sources of bounded parts: only what an anonymous reader may see (core/sitemap). */
  sitemap?: SitemapSource[]
  /**
   * Values every page template gets for a signed-in person (e.g. the unread notification count
   * for the header). Runs once per signed-in request, so keep it to one cheap indexed query.
   */
  locals?: (request: FastifyRequest) => Promise<Record<string, unknown>>
  /** Content types this module lets people report and moderators hide, keyed by their policy kind (see modules/moderation). */
  moderation?: ModerationRegistrations
  /** The access rules of each kind of resource this module owns (one policy file per kind), for `can()`. */
  policies?: Array<Policy<any>>
  /** The document types this module writes to the search index, with their plural label for the search filter. */
  searchTypes?: Array<{ type: string; label: string }>
  /** Demo content for a new database (DEMO_CONTENT), run in dependency order. */
  seed?: (ctx: SeedContext) => Promise<void>
  /**
   * Background jobs this module runs (each made by `defineJob`, core/jobs/jobs.ts): their handlers, retry
   * policies and cron repeats. Enqueue them with `app.jobs.enqueue(trx, job, payload)`.
   */
  jobs?: Array<JobDefinition<any>>
  /**
   * Kinds of mail people subscribe to that this module sends (core/mail/unsubscribe.ts): each message made with
   * `composeListMail` carries a one-click unsubscribe that calls the list's `unsubscribe`.
   */
  mailLists?: MailList[]
  /** Kinds of things people can follow that this module owns, by kind ('project', 'tag'…): see core/activity.ts. */
  followables?: Record<string, Followable>
  /** Kinds of activity this module's content makes (new posts, threads, events), by type, for timelines and digests. */
  activitySources?: Record<string, ActivitySource>
  /**
   * When a duplicate organisation or project is merged into another (core/merge.ts): moves this module's rows that
   * name the duplicate onto the survivor. Declare it wherever the module keeps an organisation's or project's id.
   */
  onMerge?: Partial<Record<MergeKind, MergeHook>>
}

/** Renders one module's section on another module's page. */
export type PanelProvider = (request: FastifyRequest, subject: { id: string; slug: string }) => Promise<string>

/** One item as the moderation module sees it (its queue, its forms, the audit log). */
export interface ModerationSubject<R = unknown> {
  spaceId: string | null
  authorId: string | null
  title: string
  url: string
  /** Set while a moderator hid it or it waits for approval. */
  hiddenAt: string | null
  /** What the kind's policy file needs to answer 'report' and 'moderate' about it (its `Resources` entry). */
  resource: R
}

/**
 * How the moderation module finds, hides and restores one kind of content owned by another module.
 * Registered under the kind's policy name: reporting asks `can(…, 'report', kind, resource)`, acting
 * asks `can(…, 'moderate', kind, resource)`.
 */
export interface ModeratableType<K extends Kind = Kind> {
  /** Human label, e.g. 'thread', 'reply', 'post', 'document', 'person'. */
  label: string
  /** Loads the item in whatever state, or null if it does not exist. */
  load(db: Db, id: string): Promise<ModerationSubject<Resources[K]> | null>
  /** Hides (hidden=true) or restores the item; must also update the search index. */
  setHidden(db: Db, id: string, hidden: boolean): Promise<void>
}

/** A module's moderation registry: each key is a policy kind, with that kind's resource type. */
export type ModerationRegistrations = { [K in Kind]?: ModeratableType<K> }

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
    /**
     * On a write route: `true` when a successful request changes nothing any other signed-in reader sees either (signing
     * in or out, reading one's notifications, a feed key). Pages shared between signed-in readers (core/cache/shared.ts)
     * are then kept; by default every write voids them, or, through `writesIn`, those of the spaces it wrote in.
     */
    keepsSharedPages?: boolean
    serves?: RouteServes
    /** `false` on a POST route whose URL carries a signed credential (one-click unsubscribe): no CSRF token is asked. */
    csrf?: boolean
    /**
     * The kind of subject whose identifiers fill this route's parameters (`:slug`, `:handle`, `:id`…),
     * e.g. 'project' on /projects/:slug: every GET route with a parameter must say, so the access leak
     * matrix (test/access) can request it with the real slug of every project in every state.
     */
    shows?: string
    /** Query parameters that name a subject, by kind: `{ author: 'person' }` on /posts (for the same matrix). */
    filters?: Record<string, string>
  }
}
