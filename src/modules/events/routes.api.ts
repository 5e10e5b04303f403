import type { FastifyInstance } from 'fastify'
import { can } from '../../core/access/can.ts'
import { notFound } from '../../core/errors.ts'
import { pageSize } from '../../core/http/pagination.ts'
import { eventCards, listEvents, viewableEvent, type EventCard } from './events.ts'
import { gridView, maySeeGrid } from './schedule.ts'
import { listSessions } from './unconference.ts'

const problem = { type: 'object', properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' } } }
const nullableString = { type: ['string', 'null'] }
const organiser = { type: ['object', 'null'], properties: { kind: { type: 'string', enum: ['person', 'organisation', 'project', 'community'] }, name: { type: 'string' }, url: nullableString } }
const eventSchema = {
  type: 'object',
  properties: {
    slug: { type: 'string' },
    url: { type: 'string' },
    calendarUrl: { type: 'string', description: 'This event as an iCalendar file' },
    title: { type: 'string' },
    excerpt: { type: 'string' },
    startsAt: { type: 'string', format: 'date-time' },
    endsAt: { type: 'string', format: 'date-time' },
    timeZone: { type: 'string', description: 'IANA time zone the organisers gave the times in' },
    when: { type: 'string', description: 'The time as pages show it, in the event’s own zone with the zone named' },
    format: { type: 'string', enum: ['in_person', 'online', 'hybrid'] },
    venue: { type: 'string' },
    capacity: { type: ['integer', 'null'] },
    going: { type: 'integer' },
    waiting: { type: 'integer' },
    placesLeft: { type: ['integer', 'null'] },
    unconference: { type: 'boolean' },
    cancelled: { type: 'boolean' },
    organiser,
    community: { type: ['object', 'null'], properties: { name: { type: 'string' }, url: { type: 'string' } } },
    notesPublished: { type: 'boolean' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
}
const eventDetailSchema = {
  type: 'object',
  properties: {
    ...eventSchema.properties,
    descriptionHtml: { type: 'string' },
    notesHtml: nullableString,
    onlineUrl: { ...nullableString, description: 'The link to join online: only for callers going to the event, and its organisers; null for everyone else' },
    yourReply: { type: ['string', 'null'], enum: ['going', 'waiting', 'not_going', null] },
  },
}
const sessionSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    url: { type: 'string' },
    title: { type: 'string' },
    summary: { type: 'string' },
    format: { type: 'string', enum: ['discussion', 'show_and_tell', 'workshop', 'talk'] },
    pitcher: { type: ['object', 'null'], properties: { handle: { type: 'string' }, name: { type: 'string' } } },
    votes: { type: 'integer' },
    room: nullableString,
    time: nullableString,
  },
}
const slugParams = { type: 'object', properties: { slug: { type: 'string', maxLength: 100 } }, required: ['slug'] }

/** JSON API for events: the same access rules as the pages; the online link only for attendees. */
export async function eventsApi(app: FastifyInstance): Promise<void> {
  const base = app.config.baseUrl
  const db = app.db
  const eventJson = (e: EventCard) => ({
    slug: e.slug,
    url: `${base}${e.url}`,
    calendarUrl: `${base}${e.url}.ics`,
    title: e.title,
    excerpt: e.excerpt,
    startsAt: e.startsAt,
    endsAt: e.endsAt,
    timeZone: e.timeZone,
    when: e.when.text,
    format: e.format,
    venue: e.venue,
    capacity: e.capacity,
    going: e.going,
    waiting: e.waiting,
    placesLeft: e.placesLeft,
    unconference: e.unconference,
    cancelled: e.cancelled,
    organiser: e.organiser ? { ...e.organiser, url: e.organiser.url ? `${base}${e.organiser.url}` : null } : null,
    community: e.community ? { name: e.community.name, url: `${base}${e.community.path}` } : null,
    notesPublished: e.notesPublished,
    updatedAt: e.updatedAt,
  })

  app.get<{ Querystring: { when?: 'upcoming' | 'past'; limit?: number; cursor?: string } }>(
    '/events',
    {
      config: { serves: 'api' },
      schema: {
        tags: ['events'],
        summary: 'Events the caller may see: upcoming (soonest first) or past (latest first)',
        querystring: { type: 'object', properties: { when: { type: 'string', enum: ['upcoming', 'past'], default: 'upcoming' }, limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 }, cursor: { type: 'string', maxLength: 200 } } },
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: eventSchema }, next: nullableString } }, 400: problem },
      },
    },
    async (request) => {
      const page = await listEvents(db, request.actor, { when: request.query.when ?? 'upcoming', cursor: request.query.cursor, limit: pageSize(request.query.limit) })
      return { items: page.items.map(eventJson), next: page.next }
    },
  )

  app.get<{ Params: { slug: string } }>(
    '/events/:slug',
    { config: { serves: 'api', shows: 'event' }, schema: { tags: ['events'], summary: 'One event', params: slugParams, response: { 200: eventDetailSchema, 404: problem } } },
    async (request, reply) => {
      const { event, facts } = await viewableEvent(db, request.actor, request.params.slug)
      const [cards, attend] = await Promise.all([eventCards(db, request.actor, [event]), can(db, request.actor, 'attend', 'event', facts)])
      const card = cards[0]!
      // Per caller (their reply, perhaps the link): never for shared caches.
      if (request.user) reply.header('cache-control', 'private, no-store')
      return {
        ...eventJson(card),
        descriptionHtml: event.description_html,
        notesHtml: event.notes_published_at ? event.notes_html : null,
        onlineUrl: attend && event.online_url ? event.online_url : null,
        yourReply: card.myReply,
      }
    },
  )

  app.get<{ Params: { slug: string } }>(
    '/events/:slug/sessions',
    {
      config: { serves: 'api', shows: 'event' },
      schema: {
        tags: ['events'],
        summary: 'The sessions pitched for an unconference, most voted first',
        params: slugParams,
        response: { 200: { type: 'object', properties: { items: { type: 'array', items: sessionSchema }, next: nullableString } }, 404: problem },
      },
    },
    async (request) => {
      const { event } = await viewableEvent(db, request.actor, request.params.slug)
      if (!Number(event.unconference)) throw notFound()
      const list = await listSessions(db, request.actor, event, { showPlaces: true })
      return {
        items: list.sessions.map((s) => ({ id: s.id, url: `${base}${s.url}`, title: s.title, summary: s.summary, format: s.format, pitcher: s.pitcher ? { handle: s.pitcher.handle, name: s.pitcher.name } : null, votes: s.votes, room: s.place?.room ?? null, time: s.place?.time ?? null })),
        next: null,
      }
    },
  )

  app.get<{ Params: { slug: string } }>(
    '/events/:slug/schedule',
    {
      config: { serves: 'api', shows: 'event' },
      schema: {
        tags: ['events'],
        summary: 'An unconference’s published schedule: rooms, and for each time slot the session in each room',
        params: slugParams,
        response: {
          200: {
            type: 'object',
            properties: {
              rooms: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, capacity: { type: 'integer' } } } },
              slots: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    startsAt: { type: 'string', format: 'date-time' },
                    time: { type: 'string' },
                    sessions: { type: 'array', items: { type: ['object', 'null'], properties: { id: { type: 'string' }, title: { type: 'string' }, url: { type: 'string' } } } },
                  },
                },
              },
            },
          },
          404: problem,
        },
      },
    },
    async (request) => {
      const { event } = await viewableEvent(db, request.actor, request.params.slug)
      if (!Number(event.unconference) || !(await maySeeGrid(db, request.actor, event))) throw notFound()
      const grid = await gridView(db, event)
      return {
        rooms: grid.rooms.map((r) => ({ name: r.name, capacity: r.capacity })),
        slots: grid.rows.map((row) => ({ startsAt: row.slot.startsAt, time: row.slot.time, sessions: row.cells.map((c) => (c.session ? { id: c.session.id, title: c.session.title, url: `${base}${c.session.url}` } : null)) })),
      }
    },
  )
}
