import { createHash } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import ical, { ICalCalendarMethod, ICalEventStatus } from 'ical-generator'
import type { EventRow } from './events.queries.ts'

/**
 * iCalendar files and feeds (RFC 5545) with ical-generator. Times are written in UTC ("…Z"), which every
 * calendar client imports without a VTIMEZONE; each event keeps one UID for life and raises SEQUENCE
 * when its time, place or status changes, so subscribed calendars replace their copy. DTSTAMP is the
 * event's last change, so an unchanged feed is byte-identical (and its ETag stable).
 *
 * The online link goes in only where the caller passes it: the reader is an attendee (see the policy).
 */

export interface CalendarEntry {
  event: EventRow
  /** The online link, only for readers allowed to see it. */
  onlineUrl?: string | null
  /** Prefix for the summary, e.g. "Waiting list: ". */
  note?: string
}

export interface SessionEntry {
  event: EventRow
  session: { id: string; title: string; summary: string; sequence: number; updatedAt: string }
  room: string
  startsAt: string
  endsAt: string
}

const hostOf = (baseUrl: string) => new URL(baseUrl).hostname

function calendar(name: string, description: string) {
  return ical({ name, description, prodId: { company: 'Openly', product: 'Openly events', language: 'EN' }, method: ICalCalendarMethod.PUBLISH, ttl: 3600 })
}

/** A calendar of events (one event's file, a feed, or a person's own calendar). */
export function eventsCalendar(baseUrl: string, name: string, description: string, entries: CalendarEntry[]): string {
  const cal = calendar(name, description)
  const host = hostOf(baseUrl)
  for (const { event: e, onlineUrl, note } of entries) {
    const page = `${baseUrl}/events/${e.slug}`
    const where = e.format === 'online' ? (onlineUrl ?? 'Online') : e.format === 'hybrid' ? `${e.venue} (and online)` : e.venue
    cal.createEvent({
      id: `event-${e.id}@${host}`,
      sequence: Number(e.sequence),
      stamp: new Date(e.updated_at),
      created: new Date(e.created_at),
      lastModified: new Date(e.updated_at),
      start: new Date(e.starts_at),
      end: new Date(e.ends_at),
      summary: `${note ?? ''}${e.title}`,
      description: [e.excerpt, onlineUrl ? `Join online: ${onlineUrl}` : '', page].filter(Boolean).join('\n\n'),
      location: where,
      url: page,
      status: e.cancelled_at ? ICalEventStatus.CANCELLED : note ? ICalEventStatus.TENTATIVE : ICalEventStatus.CONFIRMED,
    })
  }
  return cal.toString()
}

/** An unconference's published grid: one calendar entry per placed session. */
export function scheduleCalendar(baseUrl: string, event: EventRow, entries: SessionEntry[]): string {
  const cal = calendar(`${event.title}: schedule`, `Sessions of ${event.title}`)
  const host = hostOf(baseUrl)
  for (const { session: s, room, startsAt, endsAt } of entries) {
    const page = `${baseUrl}/events/${event.slug}/sessions/${s.id}`
    cal.createEvent({
      id: `session-${s.id}@${host}`,
      // The session's own moves and the event's changes (e.g. cancelled) both raise it.
      sequence: Number(s.sequence) + Number(event.sequence),
      stamp: new Date(s.updatedAt > event.updated_at ? s.updatedAt : event.updated_at),
      start: new Date(startsAt),
      end: new Date(endsAt),
      summary: s.title,
      description: [s.summary, page].join('\n\n'),
      location: [room, event.venue].filter(Boolean).join(', '),
      url: page,
      status: event.cancelled_at ? ICalEventStatus.CANCELLED : ICalEventStatus.CONFIRMED,
    })
  }
  return cal.toString()
}

/**
 * Sends a calendar with an ETag (304 on a match). `personal`: it holds something only this reader may see
 * (an online link, a private feed), so no shared cache may keep it.
 */
export function sendCalendar(request: FastifyRequest, reply: FastifyReply, body: string, options: { personal: boolean; filename?: string }): FastifyReply {
  const etag = `"${createHash('sha1').update(body).digest('base64url')}"`
  reply.header('etag', etag).header('cache-control', options.personal ? 'private, no-store' : 'public, max-age=300').type('text/calendar; charset=utf-8')
  if (options.personal) reply.header('vary', 'Cookie')
  if (options.filename) reply.header('content-disposition', `attachment; filename="${options.filename}"`)
  if (request.headers['if-none-match'] === etag) return reply.code(304).send()
  return reply.send(body)
}
