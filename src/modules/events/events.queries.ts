import { publiclyVisible, visibleTo, type Actor } from '../../core/access/policy.ts'
import { afterCursor, decodeCursor, paginate } from '../../core/http/pagination.ts'
import type { EventsDb, EventsTable, OrganiserKind } from './events.tables.ts'
import { inWindow, shownAfterMark, type ActivityWindow, type PublishedMark } from '../../core/activity.ts'

export type EventRow = EventsTable

/** The access columns of the events table, for `visibleTo`: a community's space, hidden by a moderator, its creator. */
export const EVENT_ACCESS = { space: 'events.space_id', hidden: 'events.hidden_at', author: 'events.created_by' }

/** One event by slug, whoever asks (callers decide with `can`). */
export async function findEventBySlug(db: EventsDb, slug: string): Promise<EventRow | undefined> {
  if (slug.length > 100) return undefined
  return db.selectFrom('events').selectAll().where('slug', '=', slug).executeTakeFirst()
}

export async function findEventById(db: EventsDb, id: string): Promise<EventRow | undefined> {
  if (id.length > 100) return undefined
  return db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirst()
}

/** Slugs taken by `base` or its numbered forms, in one query. */
export async function eventSlugsLike(db: EventsDb, base: string): Promise<Set<string>> {
  const rows = await db.selectFrom('events').select('slug').where((eb) => eb.or([eb('slug', '=', base), eb('slug', 'like', `${base}-%`)])).execute()
  return new Set(rows.map((r) => r.slug))
}

export async function insertEvent(db: EventsDb, row: EventRow): Promise<void> {
  await db.insertInto('events').values(row).execute()
}

export async function updateEventRow(db: EventsDb, id: string, changes: Partial<Omit<EventRow, 'id'>>): Promise<void> {
  await db.updateTable('events').set(changes).where('id', '=', id).execute()
}

/**
 * Takes the event's row lock for the rest of the transaction (PostgreSQL: the row lock an UPDATE holds;
 * SQLite: the database's write lock), so replies, promotions, votes and grid changes of one event happen
 * one at a time.
 * Returns the event as it is under the lock.
 */
export async function lockEvent(db: EventsDb, id: string, at: string): Promise<EventRow | undefined> {
  await db.updateTable('events').set({ activity_at: at }).where('id', '=', id).execute()
  return findEventById(db, id)
}

export interface EventFilter {
  when: 'upcoming' | 'past'
  spaceId?: string
  organiser?: { kind: OrganiserKind; id: string }
  cursor?: unknown
  limit: number
}

/**
 * A page of events the actor may see. Upcoming (not yet ended) soonest first; past most recent first.
 * Keyset on (starts_at, id).
 */
export async function listEventRows(db: EventsDb, actor: Actor, filter: EventFilter, at = new Date().toISOString()): Promise<{ items: EventRow[]; next: string | null }> {
  const cursor = decodeCursor(filter.cursor)
  const order = filter.when === 'upcoming' ? 'asc' : 'desc'
  let q = db
    .selectFrom('events')
    .selectAll()
    .where((eb) => visibleTo(actor, eb, EVENT_ACCESS))
    .where('events.ends_at', filter.when === 'upcoming' ? '>' : '<=', at)
  if (filter.spaceId) q = q.where('events.space_id', '=', filter.spaceId)
  if (filter.organiser) q = q.where('events.organiser_kind', '=', filter.organiser.kind).where('events.organiser_id', '=', filter.organiser.id)
  if (cursor) q = q.where((eb) => afterCursor(eb, 'events.starts_at', 'events.id', cursor, order))
  const rows = await q.orderBy('events.starts_at', order).orderBy('events.id', order).limit(filter.limit + 1).execute()
  return paginate(rows, filter.limit, (e) => ({ at: e.starts_at, id: e.id }))
}

/**
 * Events for a calendar feed: the actor's visible events that ended less than `pastDays` ago or are
 * still to come, soonest first (calendar clients keep what they already have).
 */
export async function calendarEventRows(db: EventsDb, actor: Actor, filter: { spaceId?: string; organiser?: { kind: OrganiserKind; id: string }; ids?: string[] }, limit = 500, pastDays = 90): Promise<EventRow[]> {
  const since = new Date(Date.now() - pastDays * 86_400_000).toISOString()
  let q = db
    .selectFrom('events')
    .selectAll()
    .where((eb) => visibleTo(actor, eb, EVENT_ACCESS))
    .where('events.ends_at', '>', since)
  if (filter.spaceId) q = q.where('events.space_id', '=', filter.spaceId)
  if (filter.organiser) q = q.where('events.organiser_kind', '=', filter.organiser.kind).where('events.organiser_id', '=', filter.organiser.id)
  if (filter.ids) {
    if (filter.ids.length === 0) return []
    q = q.where('events.id', 'in', filter.ids)
  }
  return q.orderBy('events.starts_at', 'asc').orderBy('events.id', 'asc').limit(limit).execute()
}

/** Public events (and their unconference pages) for the sitemap. */
export async function publicEventPaths(db: EventsDb): Promise<Array<{ path: string; updated?: string }>> {
  const rows = await db
    .selectFrom('events')
    .select(['slug', 'updated_at', 'unconference', 'schedule_published_at'])
    .where((eb) => publiclyVisible(eb, EVENT_ACCESS))
    .orderBy('starts_at', 'desc')
    .limit(20_000)
    .execute()
  return rows.flatMap((r) => [
    { path: `/events/${r.slug}`, updated: r.updated_at },
    ...(Number(r.unconference) ? [{ path: `/events/${r.slug}/sessions` }] : []),
    ...(r.schedule_published_at ? [{ path: `/events/${r.slug}/schedule` }] : []),
  ])
}

/** Events whose ids are given (any state), keyed by id, for labelling. */
export async function eventsByIds(db: EventsDb, ids: string[]): Promise<Map<string, EventRow>> {
  if (ids.length === 0) return new Map()
  const rows = await db.selectFrom('events').selectAll().where('id', 'in', [...new Set(ids)]).execute()
  return new Map(rows.map((r) => [r.id, r]))
}

/** Sets or clears the moderator's hidden mark. */
export async function setEventHiddenAt(db: EventsDb, id: string, at: string | null): Promise<void> {
  // Shown for the first time (approved after waiting): followers hear of it from now; shown before: unchanged (decision 0038).
  await db.updateTable('events').set((eb) => ({ hidden_at: at, ...(at === null ? { shown_at: eb.fn.coalesce('shown_at', eb.val(new Date().toISOString())) } : {}) })).where('id', '=', id).execute()
}

/** Events a person organises in their own name. */
export async function eventIdsOrganisedBy(db: EventsDb, userId: string): Promise<string[]> {
  const rows = await db.selectFrom('events').select('id').where('organiser_kind', '=', 'person').where('organiser_id', '=', userId).orderBy('starts_at', 'desc').limit(500).execute()
  return rows.map((r) => r.id)
}

/** The events among `ids` the actor may see (hidden ones: their organisers and moderators). */
export async function visibleEventsByIds(db: EventsDb, actor: Actor, ids: string[]) {
  if (!ids.length) return []
  return db.selectFrom('events').select(['id', 'slug', 'title']).where('id', 'in', ids).where((eb) => visibleTo(actor, eb, EVENT_ACCESS)).execute()
}

/**
 * Events the actor may see, announced by these organisers or in these communities, in a window of the activity
 * timeline (by when they were announced). Hidden events are left out.
 */
export async function eventActivityRows(db: EventsDb, actor: Actor, organisers: Array<{ kind: OrganiserKind; id: string }>, communities: string[], window: ActivityWindow) {
  const at = new Date().toISOString()
  return db
    .selectFrom('events')
    .select(['id', 'slug', 'title', 'excerpt', 'starts_at', 'shown_at', 'organiser_kind', 'organiser_id', 'space_id', 'cancelled_at'])
    .where('events.hidden_at', 'is', null)
    .where((eb) => visibleTo(actor, eb, EVENT_ACCESS))
    .where((eb) => inWindow(eb, 'event', 'events.shown_at', 'events.id', window, at))
    .where((eb) => {
      const any = organisers.map((o) => eb.and([eb('events.organiser_kind', '=', o.kind), eb('events.organiser_id', '=', o.id)]))
      if (communities.length) any.push(eb('events.space_id', 'in', communities))
      return any.length ? eb.or(any) : eb.val(false)
    })
    .orderBy('events.shown_at', 'desc')
    .orderBy('events.id', 'desc')
    .limit(window.limit)
    .execute()
}

/** Every event shown (not hidden) announced after the fan-out's mark `since` up to `until`, oldest first: the follows module's fan-out. */
export async function eventsAnnouncedBetween(db: EventsDb, since: PublishedMark, until: string, limit: number) {
  return db
    .selectFrom('events')
    .select(['id', 'shown_at', 'created_by', 'organiser_kind', 'organiser_id', 'space_id'])
    .$call((q) => shownAfterMark(q, 'shown_at', since, until, limit))
    .execute()
}
