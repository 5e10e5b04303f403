import { done, query, text } from '../../../core/http/schemas.ts'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { signedIn, type Actor } from '../../../core/access/policy.ts'
import { invalid, notFound, type FieldErrors } from '../../../core/errors.ts'
import { parseInput } from '../../../core/http/forms.ts'
import { eventCards, organisedEvent, viewableEvent, type EventRow } from '../events.ts'
import { roomSchema, slotSchema } from '../events.schemas.ts'
import { gridView, maySeeGrid } from '../schedule.ts'
import { gridVersion } from '../grid.ts'
import { addRoom, addSlot, fillGrid, GridConflict, gridState, publishGrid, removeRoom, removeSlot, saveGrid } from '../unconference.ts'
import { utcToZoned, zoneLabel } from '../zoned.ts'
import { bodyOf, eventCrumbs, fieldErrors, flashOf, signIn, typed, type Params } from './page-helpers.ts'

/** The schedule grid: the published table, and the host's page to set rooms and slots, fill by votes, adjust and publish. */
export const schedulePages: FastifyPluginAsync = async (app) => {
  const db = app.db

  /** The unconference in the URL, for one of its organisers (404 for everyone else). */
  const asHost = async (actor: Actor, slug: string, trx = db) => {
    const found = await organisedEvent(trx, actor, slug)
    if (!Number(found.event.unconference)) throw notFound()
    return found.event
  }

  app.get('/events/:slug/schedule', { config: { serves: 'page', cache: true, cacheQuery: [], shows: 'event' } }, async (request, reply) => {
    const { event } = await viewableEvent(db, request.actor, (request.params as Params).slug)
    if (!Number(event.unconference)) throw notFound()
    const visible = await maySeeGrid(db, request.actor, event)
    const [grid, cards] = await Promise.all([visible ? gridView(db, event) : Promise.resolve(null), eventCards(db, request.actor, [event])])
    return reply.render('events/schedule.njk', {
      title: `Schedule of ${event.title}`,
      breadcrumbs: eventCrumbs(event),
      event,
      e: cards[0],
      grid,
      zone: zoneLabel(event.time_zone),
      noindex: event.space_id !== null,
    })
  })

  // ------------------------------------------------------------ building it (organisers)

  /** Which form on the page the errors belong to, so only that one shows the person's input again. */
  type Part = 'room' | 'slot' | 'grid'

  async function renderEdit(request: FastifyRequest, reply: FastifyReply, event: EventRow, failed?: { part: Part; values: Record<string, unknown>; errors: FieldErrors; status?: number }) {
    const state = await gridState(db, event)
    const placed = new Map(state.placements.map((p) => [p.sessionId, `${p.slotId}|${p.roomId}`]))
    const cells = state.slots.flatMap((slot) => state.rooms.map((room) => ({ value: `${slot.id}|${room.id}`, text: `${slot.time}, ${room.name}` })))
    const chosen = (id: string) => (failed?.part === 'grid' ? String(failed.values[`place_${id}`] ?? '') : (placed.get(id) ?? ''))
    const sessions = [...state.sessions]
      .sort((a, b) => b.votes - a.votes)
      .map((s) => ({ ...s, field: `place_${s.id}`, items: [{ value: '', text: 'Not scheduled', selected: chosen(s.id) === '' }, ...cells.map((c) => ({ ...c, selected: c.value === chosen(s.id) }))] }))
    const startDefault = utcToZoned(event.starts_at, event.time_zone)
    // After a conflict: the grid as it is now, beside the host's own choices kept in the form below.
    const cellText = new Map(cells.map((c) => [c.value, c.text]))
    const current = failed?.status === 409
      ? sessions.map((s) => ({ title: s.title, place: cellText.get(placed.get(s.id) ?? '') ?? 'Not scheduled', changed: (placed.get(s.id) ?? '') !== chosen(s.id) }))
      : null
    return reply.code(failed ? (failed.status ?? 422) : 200).render('events/schedule-edit.njk', {
      title: `Build the schedule of ${event.title}`,
      breadcrumbs: [...eventCrumbs(event), { text: 'Schedule', href: `/events/${event.slug}/schedule` }],
      event,
      rooms: state.rooms,
      slots: state.slots,
      sessions,
      // The version the form is rendered from (a conflict's form builds on the grid it shows now).
      gridVersion: gridVersion(state),
      current,
      placedCount: state.placements.length,
      zone: zoneLabel(event.time_zone),
      roomValues: failed?.part === 'room' ? failed.values : {},
      slotValues: failed?.part === 'slot' ? failed.values : { starts_at: startDefault, ends_at: startDefault },
      errors: failed?.errors,
      flash: flashOf(request),
      noindex: true,
    })
  }

  app.get('/events/:slug/schedule/edit', { config: { serves: 'form', shows: 'event' }, schema: { querystring: query({ done }) } }, async (request, reply) => {
    if (!request.user) return signIn(request, reply)
    return renderEdit(request, reply, await asHost(request.actor, (request.params as Params).slug))
  })

  /** Runs one change to the grid for its host; field errors come back to the page, the rest redirects with a message. */
  function hostAction(path: string, part: Part, schema: Record<string, unknown> | null, work: (trx: typeof db, event: EventRow, request: FastifyRequest) => Promise<unknown>, done: string | ((request: FastifyRequest) => string)) {
    app.post(path, async (request, reply) => {
      const { slug } = request.params as Params
      if (!signedIn(request.actor)) return signIn(request, reply, `/events/${slug}/schedule/edit`)
      const actor = request.actor
      try {
        await db.transaction().execute(async (trx) => work(trx, await asHost(actor, slug, trx), request))
      } catch (err) {
        const errors = fieldErrors(err)
        if (!errors) throw err
        const values = schema ? typed(schema, request.body) : bodyOf(request)
        return renderEdit(request, reply, await asHost(actor, slug), { part, values, errors, status: err instanceof GridConflict ? 409 : 422 })
      }
      return reply.redirect(`/events/${slug}/schedule/edit?done=${typeof done === 'string' ? done : done(request)}#${part === 'grid' ? 'grid' : `${part}s`}`, 303)
    })
  }

  hostAction('/events/:slug/rooms', 'room', roomSchema, async (trx, event, request) => {
    const parsed = parseInput(roomSchema, request.body)
    if (!parsed.ok) throw invalid(parsed.errors)
    await addRoom(trx, event, parsed.value)
  }, 'room')
  hostAction('/events/:slug/rooms/:roomId/delete', 'room', null, (trx, event, request) => removeRoom(trx, event, (request.params as Params).roomId), 'room_removed')
  hostAction('/events/:slug/slots', 'slot', slotSchema, async (trx, event, request) => {
    const parsed = parseInput(slotSchema, request.body)
    if (!parsed.ok) throw invalid(parsed.errors)
    await addSlot(trx, event, parsed.value)
  }, 'slot')
  hostAction('/events/:slug/slots/:slotId/delete', 'slot', null, (trx, event, request) => removeSlot(trx, event, (request.params as Params).slotId), 'slot_removed')
  hostAction('/events/:slug/schedule/fill', 'grid', null, (trx, event) => fillGrid(trx, event), 'filled')
  hostAction('/events/:slug/schedule', 'grid', null, (trx, event, request) => {
    const body = bodyOf(request)
    const choices = Object.fromEntries(Object.entries(body).flatMap(([k, v]) => (k.startsWith('place_') && typeof v === 'string' ? [[k.slice(6), v.slice(0, 100)]] : [])))
    return saveGrid(trx, event, choices, typeof body.grid_version === 'string' ? body.grid_version.slice(0, 100) : '')
  }, 'grid')
  hostAction('/events/:slug/schedule/publish', 'grid', null, (trx, event, request) => publishGrid(trx, request.actor, event, bodyOf(request).publish === 'true'), (request) => (bodyOf(request).publish === 'true' ? 'published' : 'unpublished'))
}
