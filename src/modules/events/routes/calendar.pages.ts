import { done, query, text } from '../../../core/http/schemas.ts'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { can } from '../../../core/access/can.ts'
import { signedIn, type Actor } from '../../../core/access/policy.ts'
import { spaceByPath } from '../../../core/access/spaces.ts'
import { findVisiblePerson } from '../../accounts/accounts.ts'
import { visibleOrganisationBySlug } from '../../organisations/organisations.ts'
import { visibleProjectBySlug } from '../../projects/projects.ts'
import { eventEntry, feedEntries, personalEntries, personalEvents } from '../calendar.ts'
import { eventCards, inReaderZone, viewableEvent } from '../events.ts'
import { eventsCalendar, scheduleCalendar, sendCalendar, type CalendarEntry } from '../ical.ts'
import { calendarOwner, calendarTokenCreatedAt, removeCalendarToken, resetCalendarToken } from '../rsvp.ts'
import { scheduleEntries } from '../schedule.ts'
import { flashOf, signIn, type Params } from './page-helpers.ts'
import { pathCookie } from '../../../core/auth/cookies.ts'

/** Where the one-time display of a new calendar secret travels from the POST to the page (signed, short-lived). */
const SECRET_COOKIE = 'openly_calendar_secret'

/** iCalendar files and feeds, and "your events" with the personal calendar address. */
export const calendarPages: FastifyPluginAsync = async (app) => {
  const db = app.db
  const base = app.config.baseUrl

  /** Sends a feed of visible events; `null` subject → 404. Signed-in readers may see more than anonymous ones: private. */
  const sendFeed = (request: FastifyRequest, reply: FastifyReply, name: string, entries: CalendarEntry[] | null) => {
    if (!entries) return reply.callNotFound()
    return sendCalendar(request, reply, eventsCalendar(base, `${name} – Openly`, `Events: ${name}`, entries), { personal: request.user !== null })
  }

  app.get('/events.ics', { config: { serves: 'feed', cache: true, cacheQuery: [] } }, async (request, reply) => sendFeed(request, reply, 'Events', await feedEntries(db, request.actor, {})))

  app.get('/events/:slug.ics', { config: { serves: 'file', cache: true, cacheQuery: [], shows: 'event' } }, async (request, reply) => {
    const { event } = await viewableEvent(db, request.actor, (request.params as Params).slug)
    const entry = await eventEntry(db, request.actor, event)
    return sendCalendar(request, reply, eventsCalendar(base, event.title, event.excerpt, [entry]), { personal: request.user !== null || Boolean(entry.onlineUrl), filename: `${event.slug}.ics` })
  })

  app.get('/events/:slug/schedule.ics', { config: { serves: 'file', cache: true, cacheQuery: [], shows: 'event' } }, async (request, reply) => {
    const { event } = await viewableEvent(db, request.actor, (request.params as Params).slug)
    const entries = await scheduleEntries(db, request.actor, event)
    if (!entries) return reply.callNotFound()
    return sendCalendar(request, reply, scheduleCalendar(base, event, entries), { personal: request.user !== null, filename: `${event.slug}-schedule.ics` })
  })

  // Per organiser and per community: the same events their pages list.
  app.get('/communities/:slug/events.ics', { config: { serves: 'feed', cache: true, cacheQuery: [], shows: 'community' } }, async (request, reply) => {
    const space = await spaceByPath(db, `/communities/${(request.params as Params).slug}`)
    const visible = space !== null && (await can(db, request.actor, 'view', 'space', space))
    return sendFeed(request, reply, space?.name ?? '', visible ? await feedEntries(db, request.actor, { spaceId: space!.id }) : null)
  })
  app.get('/organisations/:slug/events.ics', { config: { serves: 'feed', cache: true, cacheQuery: [], shows: 'organisation' } }, async (request, reply) => {
    const org = await visibleOrganisationBySlug(db, request.actor, (request.params as Params).slug)
    return sendFeed(request, reply, org?.name ?? '', org ? await feedEntries(db, request.actor, { organiser: { kind: 'organisation', id: org.id } }) : null)
  })
  app.get('/projects/:slug/events.ics', { config: { serves: 'feed', cache: true, cacheQuery: [], shows: 'project' } }, async (request, reply) => {
    const project = await visibleProjectBySlug(db, request.actor, (request.params as Params).slug)
    return sendFeed(request, reply, project?.name ?? '', project ? await feedEntries(db, request.actor, { organiser: { kind: 'project', id: project.id } }) : null)
  })
  app.get('/people/:handle/events.ics', { config: { serves: 'feed', cache: true, cacheQuery: [], shows: 'person' } }, async (request, reply) => {
    const person = await findVisiblePerson(db, request.actor, (request.params as Params).handle)
    return sendFeed(request, reply, person?.name ?? '', person ? await feedEntries(db, request.actor, { organiser: { kind: 'person', id: person.id } }) : null)
  })

  // A person's own calendar, read by calendar clients (no cookie): the secret in the address is the key.
  // Never cached by the page cache (not `cache: true`) nor by anyone else (private, no-store).
  app.get('/events/calendar.ics', { config: { serves: 'feed' }, schema: { querystring: query({ key: text(200) }) } }, async (request, reply) => {
    const key = (request.query as Record<string, unknown>).key
    const userId = typeof key === 'string' ? await calendarOwner(db, key) : null
    if (!userId) return reply.callNotFound()
    const entries = await personalEntries(db, userId)
    return sendCalendar(request, reply, eventsCalendar(base, 'My events – Openly', 'Events you are going to, waiting for or organising on Openly', entries), { personal: true })
  })

  // ------------------------------------------------------------ your events

  app.get('/events/mine', { config: { serves: 'page' }, schema: { querystring: query({ done }) } }, async (request, reply) => {
    if (!signedIn(request.actor)) return signIn(request, reply)
    const actor = request.actor as Actor & { userId: string }
    const [mine, createdAt] = await Promise.all([personalEvents(db, actor.userId), calendarTokenCreatedAt(db, actor.userId)])
    const cards = inReaderZone(await eventCards(db, actor, mine.map((m) => m.event)), request.user?.timeZone)
    // A secret just made is shown once, then forgotten: only its hash is kept.
    const sealed = request.cookies[pathCookie(SECRET_COOKIE, app.config.secureCookies)]
    const unsealed = sealed ? request.unsignCookie(sealed) : null
    if (sealed) reply.clearCookie(pathCookie(SECRET_COOKIE, app.config.secureCookies), { path: '/events/mine', secure: app.config.secureCookies })
    const secret = unsealed?.valid && unsealed.value ? unsealed.value : null
    return reply.header('cache-control', 'private, no-store').render('events/mine.njk', {
      title: 'Your events',
      breadcrumbs: [{ text: 'Home', href: '/' }, { text: 'Events', href: '/events' }],
      upcoming: cards.filter((c) => !c.past),
      past: cards.filter((c) => c.past).reverse(),
      calendarSince: createdAt,
      calendarUrl: secret ? `${base}/events/calendar.ics?key=${secret}` : null,
      flash: flashOf(request),
      noindex: true,
    })
  })

  app.post('/events/mine/calendar', { config: { invalidates: [] } }, async (request, reply) => {
    if (!signedIn(request.actor)) return signIn(request, reply, '/events/mine')
    const userId = request.actor.userId
    const secret = await db.transaction().execute((trx) => resetCalendarToken(trx, userId))
    reply.setCookie(pathCookie(SECRET_COOKIE, app.config.secureCookies), secret, { path: '/events/mine', httpOnly: true, sameSite: 'lax', secure: app.config.secureCookies, signed: true, maxAge: 300 })
    return reply.redirect('/events/mine?done=calendar#calendar', 303)
  })

  app.post('/events/mine/calendar/remove', { config: { invalidates: [] } }, async (request, reply) => {
    if (!signedIn(request.actor)) return signIn(request, reply, '/events/mine')
    const userId = request.actor.userId
    await db.transaction().execute((trx) => removeCalendarToken(trx, userId))
    return reply.redirect('/events/mine?done=calendar_removed#calendar', 303)
  })
}
