import { sql, type Expression, type ExpressionBuilder, type SelectQueryBuilder, type SqlBool } from 'kysely'
import type { Db } from './db/database.ts'
import type { Actor } from './access/policy.ts'
import type { Cursor } from './http/pagination.ts'

/**
 * Following and activity: the registries content modules declare in their manifests, so that the follows module
 * (timelines, notifications, digests) needs no module's tables and a new module (challenges) adds itself.
 * Activity is read from the content itself, as the reader, whenever it is shown or sent: nothing is copied, so
 * access, hiding and deletion are always current.
 */

/** Something a person follows: `{ kind: 'project', id }`; a tag's id is the tag itself. */
export interface SubjectRef {
  kind: string
  id: string
}

/** A kind of thing people can follow (`followables: { project: … }` in the manifest). */
export interface Followable {
  /** Singular, lower case: 'project'. */
  label: string
  /** Those of `ids` the actor may see now, with their name and page. */
  load(db: Db, actor: Actor, ids: string[]): Promise<Map<string, { title: string; url: string }>>
}

/** One thing that happened: a post published, a thread started, an event announced. */
export interface ActivityItem {
  /** The source's key in `activitySources` (e.g. 'post'). */
  type: string
  id: string
  title: string
  url: string
  /** Plain text, a sentence or two. */
  summary: string
  /** Who did it, where the title does not say (a practical action's one line): named in notices of it. */
  byline?: string | undefined
  /** When it happened (became visible): the timeline's order. */
  at: string
  /** Which of the subjects asked about it is about. */
  subjects: SubjectRef[]
}

/** The window of a read: newest first, before the cursor, after `since`, at most `limit`. */
export interface ActivityWindow {
  before: Cursor | null
  since: string | null
  limit: number
}

/**
 * A kind of activity (`activitySources: { post: … }` in the manifest): what the module's content about these
 * subjects the actor may see now, newest first. People choose per source how they hear of it.
 */
export interface ActivitySource {
  /** Plural, for settings: 'New posts and weeknotes'. */
  label: string
  list(db: Db, actor: Actor, subjects: SubjectRef[], window: ActivityWindow): Promise<ActivityItem[]>
  /**
   * What became visible in `(since, until]`, oldest first, at most `limit`, whoever may see it: only ids, times and
   * every subject each item is about (its authors, project, organisation, community, tags), for the follows module
   * to find whom to notify. Nothing from it is shown: each follower is asked `list` as themself before being told.
   * The people in `actors` did it (they are not told of their own work). A source without it feeds only timelines
   * and digests.
   */
  published?(db: Db, since: PublishedMark, until: string, limit: number): Promise<PublishedItem[]>
}

/**
 * Where the fan-out stands in a source, in its (time, id) order: every item up to `at` was read when `id` is null,
 * else the items at `at` up to that id. The id keeps a round that ends inside one instant from skipping the rest.
 */
export interface PublishedMark {
  at: string
  id: string | null
}

/**
 * The fan-out's page of a source's table (`published`): rows shown (not hidden) after `mark` up to `until`, oldest
 * first in (time, id) order, at most `limit`. Use: `.$call((q) => shownAfterMark(q, 'created_at', since, until, limit))`.
 */
export function shownAfterMark<Q extends SelectQueryBuilder<any, any, any>>(query: Q, atColumn: string, mark: PublishedMark, until: string, limit: number): Q {
  const q = query as unknown as SelectQueryBuilder<any, any, any>
  return q.where('hidden_at', 'is', null).where((eb) => afterMark(eb, atColumn, 'id', mark, until)).orderBy(atColumn).orderBy('id').limit(limit) as unknown as Q
}

/** SQL for a source's rows after `mark` and at or before `until`, in (time, id) order; the time bounds use its index. */
function afterMark(eb: ExpressionBuilder<any, any>, atColumn: string, idColumn: string, mark: PublishedMark, until: string): Expression<SqlBool> {
  const at = eb.ref(atColumn)
  if (mark.id === null) return eb.and([eb(at, '>', mark.at), eb(at, '<=', until)])
  return eb.and([eb(at, '>=', mark.at), eb(at, '<=', until), eb.or([eb(at, '>', mark.at), eb(eb.ref(idColumn), '>', mark.id)])])
}

/** One item a source found published in a window (`ActivitySource.published`). */
export interface PublishedItem {
  id: string
  at: string
  subjects: SubjectRef[]
  /** Who did it: never notified of it. */
  actors: string[]
  /** Its space (null for site content): an in-app notice of it is shown only while the reader may see the space. */
  spaceId: string | null
}

/** The ids of the subjects of one kind. */
export const idsOf = (subjects: SubjectRef[], kind: string) => subjects.filter((s) => s.kind === kind).map((s) => s.id)

/**
 * SQL for one source's rows inside a window: at or before now, after `since`, and before the cursor of the merged
 * timeline, whose ids are `<type>:<id>` so that rows of different sources at the same instant still have one order.
 */
export function inWindow(eb: ExpressionBuilder<any, any>, type: string, atColumn: string, idColumn: string, window: ActivityWindow, at: string): Expression<SqlBool> {
  const conditions: Expression<SqlBool>[] = [eb(eb.ref(atColumn), '<=', at)]
  if (window.since) conditions.push(eb(eb.ref(atColumn), '>', window.since))
  const c = window.before
  if (c) {
    const [cType, cId] = [c.id.slice(0, c.id.indexOf(':')), c.id.slice(c.id.indexOf(':') + 1)]
    const sameInstant = type < cType ? sql<SqlBool>`1 = 1` : type > cType ? sql<SqlBool>`1 = 0` : eb(eb.ref(idColumn), '<', cId)
    conditions.push(eb.or([eb(eb.ref(atColumn), '<', c.at), eb.and([eb(eb.ref(atColumn), '=', c.at), sameInstant])]))
  }
  return eb.and(conditions)
}

/** The merged order of activity: newest first, then by `<type>:<id>` descending (as `inWindow` pages). */
export function byRecency(a: ActivityItem, b: ActivityItem): number {
  if (a.at !== b.at) return a.at < b.at ? 1 : -1
  const ka = `${a.type}:${a.id}`
  const kb = `${b.type}:${b.id}`
  return ka < kb ? 1 : ka > kb ? -1 : 0
}
