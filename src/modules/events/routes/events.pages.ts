import { done, query, text } from '../../../core/http/schemas.ts'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { can } from '../../../core/access/can.ts'
import { heldStateOf } from '../../../core/access/held.ts'
import { signedIn, type Actor } from '../../../core/access/policy.ts'
import type { FieldErrors } from '../../../core/errors.ts'
import { parseInput } from '../../../core/http/forms.ts'
import { pageSize } from '../../../core/http/pagination.ts'
import { submissionTokenIn, submitOnce } from '../../../core/http/submissions.ts'
import { cancelEvent, createEvent, eventCards, eventFormErrors, inReaderZone, listEvents, organisedEvent, organiserChoices, updateEvent, viewableEvent, type EventRow } from '../events.ts'
import { cancelSchema, eventNotesSchema, eventSchema, FORMAT_CHOICES } from '../events.schemas.ts'
import { eventJsonLd } from '../jsonld.ts'
import { linkedPosts, publishEventNotes } from '../notes.ts'
import { readerRsvp, waitingAhead } from '../rsvp.queries.ts'
import { listSessions } from '../unconference.ts'
import { DEFAULT_TIME_ZONE, TIME_ZONE_OPTIONS, utcToZoned } from '../zoned.ts'
import { bodyOf, eventCrumbs, fieldErrors, flashOf, signIn, typed, type Params, type Query } from './page-helpers.ts'

/** Form values (strings) for an existing event: times in its own zone, as the person entered them. */
function formValues(e: EventRow): Record<string, string> {
  return {
    title: e.title,
    description: e.description,
    starts_at: utcToZoned(e.starts_at, e.time_zone),
    ends_at: utcToZoned(e.ends_at, e.time_zone),
    time_zone: e.time_zone,
    format: e.format,
    venue: e.venue,
    online_url: e.online_url,
    capacity: e.capacity === null ? '' : String(e.capacity),
    organiser: e.organiser_kind === 'person' ? 'person' : `${e.organiser_kind}:${e.organiser_id}`,
    community: e.organiser_kind === 'community' ? '' : (e.space_id ?? ''),
    unconference: Number(e.unconference) ? 'true' : '',
    votes_per_person: String(e.votes_per_person),
  }
}

/** The list, an event's page, creating and editing, cancelling, and the organisers' notes afterwards. */
export const eventPages: FastifyPluginAsync = async (app) => {
  const db = app.db

  // ------------------------------------------------------------ list

  app.get('/events', { config: { serves: 'page', cache: true, cacheQuery: ['cursor', 'done', 'limit', 'when'] } }, async (request, reply) => {
    const query = request.query as Query
    const when = query.when === 'past' ? 'past' : 'upcoming'
    const page = await listEvents(db, request.actor, { when, cursor: query.cursor, limit: pageSize(query.limit, 20, 50) })
    return reply.render('events/index.njk', {
      title: when === 'past' ? 'Past events' : 'Events',
      breadcrumbs: [{ text: 'Home', href: '/' }],
      when,
      events: inReaderZone(page.items, request.user?.timeZone),
      next: page.next ? `/events?${new URLSearchParams({ ...(when === 'past' ? { when } : {}), cursor: page.next })}` : null,
      first: query.cursor ? (when === 'past' ? '/events?when=past' : '/events') : null,
      flash: flashOf(request),
    })
  })

  // ------------------------------------------------------------ create and edit

  async function renderForm(request: FastifyRequest, reply: FastifyReply, event: EventRow | null, values: Record<string, unknown>, errors?: FieldErrors) {
    const actor = request.actor as Actor & { userId: string }
    const choices = await organiserChoices(db, actor, request.user!.name)
    // An event keeps its organiser and community in the lists even if the editor could not pick them now.
    if (event && !choices.organisers.some((o) => o.value === values.organiser)) choices.organisers.push({ value: String(values.organiser), text: (await eventCards(db, actor, [event]))[0]?.organiser?.name ?? 'The current organiser' })
    if (event?.space_id && event.organiser_kind !== 'community' && !choices.communities.some((c) => c.value === event.space_id)) choices.communities.push({ value: event.space_id, text: (await eventCards(db, actor, [event]))[0]?.community?.name ?? 'The current community' })
    const selected = (list: Array<{ value: string; text: string }>, value: unknown) => list.map((o) => ({ ...o, selected: o.value === value }))
    return reply.code(errors ? 422 : 200).render('events/form.njk', {
      title: event ? `Edit “${event.title}”` : 'Create an event',
      heading: event ? 'Edit event' : 'Create an event',
      caption: event?.title,
      action: event ? `/events/${event.slug}/edit` : '/events/new',
      creating: !event,
      breadcrumbs: eventCrumbs(event),
      values,
      errors,
      zoneOptions: TIME_ZONE_OPTIONS,
      zone: String(values.time_zone ?? DEFAULT_TIME_ZONE),
      formatItems: Object.entries(FORMAT_CHOICES).map(([value, text]) => ({ value, text, checked: values.format === value })),
      organiserItems: selected(choices.organisers, values.organiser),
      communityItems: [{ value: '', text: 'None: list it on the whole site', selected: !values.community }, ...selected(choices.communities, values.community)],
      submitText: event ? 'Save changes' : 'Create event',
      noindex: true,
    })
  }

  app.get('/events/new', { config: { serves: 'form' }, schema: { querystring: query({ done, organiser: text(140), unconference: text(10) }) } }, async (request, reply) => {
    if (!request.user) return signIn(request, reply)
    const query = request.query as Query
    return renderForm(request, reply, null, { time_zone: DEFAULT_TIME_ZONE, format: 'in_person', organiser: query.organiser?.slice(0, 140) ?? 'person', votes_per_person: '3', unconference: query.unconference === 'true' ? 'true' : '' })
  })

  app.post('/events/new', async (request, reply) => {
    if (!signedIn(request.actor)) return signIn(request, reply, '/events/new')
    const actor = request.actor
    const token = submissionTokenIn(request.body)
    const parsed = parseInput(eventSchema, request.body)
    if (!parsed.ok) return renderForm(request, reply, null, { ...parsed.input, _submission: token ?? '' }, eventFormErrors(parsed.errors, parsed.input))
    try {
      const { url } = await submitOnce(db, token, actor.userId, async (trx) => `/events/${(await createEvent(trx, actor, parsed.value)).slug}?done=created`)
      return reply.redirect(url, 303)
    } catch (err) {
      const errors = fieldErrors(err)
      if (errors) return renderForm(request, reply, null, typed(eventSchema, request.body), errors)
      throw err
    }
  })

  app.get('/events/:slug/edit', { config: { serves: 'form', shows: 'event' }, schema: { querystring: query({ done }) } }, async (request, reply) => {
    if (!request.user) return signIn(request, reply)
    const { event } = await organisedEvent(db, request.actor, (request.params as Params).slug)
    return renderForm(request, reply, event, formValues(event))
  })

  app.post('/events/:slug/edit', async (request, reply) => {
    const { slug } = request.params as Params
    if (!signedIn(request.actor)) return signIn(request, reply, `/events/${slug}/edit`)
    const actor = request.actor
    const { event } = await organisedEvent(db, actor, slug)
    const parsed = parseInput(eventSchema, request.body)
    if (!parsed.ok) return renderForm(request, reply, event, parsed.input, eventFormErrors(parsed.errors, parsed.input))
    try {
      await db.transaction().execute(async (trx) => updateEvent(trx, actor, (await organisedEvent(trx, actor, slug)).event, parsed.value))
    } catch (err) {
      const errors = fieldErrors(err)
      if (errors) return renderForm(request, reply, event, typed(eventSchema, request.body), errors)
      throw err
    }
    return reply.redirect(`/events/${slug}?done=saved`, 303)
  })

  // ------------------------------------------------------------ the event page

  app.get('/events/:slug', { config: { serves: 'page', cache: true, cacheQuery: ['done'], shows: 'event' } }, async (request, reply) => {
    const actor = request.actor
    const { event, facts } = await viewableEvent(db, actor, (request.params as Params).slug)
    const [cards, manage, attend, participate, mine, posts, sessions] = await Promise.all([
      eventCards(db, actor, [event]),
      can(db, actor, 'manage', 'event', facts),
      can(db, actor, 'attend', 'event', facts),
      can(db, actor, 'participate', 'event', facts),
      readerRsvp(db, actor, event.id),
      event.notes_published_at ? linkedPosts(db, actor, event) : Promise.resolve([]),
      Number(event.unconference) ? listSessions(db, actor, event) : Promise.resolve(null),
    ])
    const card = inReaderZone(cards, request.user?.timeZone)[0]!
    const held = event.hidden_at ? await heldStateOf(db, 'event', event.id) : null
    // The one place the online link is put into a page: for people going and organisers ('attend').
    const onlineUrl = attend && event.online_url ? event.online_url : null
    const waitingPlace = mine?.status === 'waiting' ? (await waitingAhead(db, event.id, Number(mine.position))) + 1 : null
    const base = app.config.baseUrl
    return reply.render('events/show.njk', {
      title: event.title,
      breadcrumbs: eventCrumbs(null),
      canonicalUrl: `${base}/events/${event.slug}`,
      noindex: event.space_id !== null || event.hidden_at !== null,
      e: card,
      event,
      onlineUrl,
      manage,
      attend,
      participate,
      pending: held === 'pending',
      reply: mine?.status ?? null,
      waitingPlace,
      needsMembership: Boolean(signedIn(actor) && !participate && !mine && !card.past && !card.cancelled && event.space_id),
      posts,
      topSessions: sessions ? sessions.sessions.slice(0, 5) : [],
      sessionCount: sessions?.sessions.length ?? 0,
      canPitch: sessions ? await can(db, actor, 'contribute', 'event', facts) : false,
      jsonLd: eventJsonLd(base, card, event.venue, onlineUrl),
      flash: flashOf(request),
      // Other modules' sections about the event (the Follow button).
      sections: await app.panels(request, 'event', { id: event.id, slug: event.slug }),
    })
  })

  // ------------------------------------------------------------ cancel

  const renderCancel = (reply: FastifyReply, event: EventRow, values: Record<string, unknown>, errors?: FieldErrors) =>
    reply.code(errors ? 422 : 200).render('events/cancel.njk', { title: `Cancel “${event.title}”`, breadcrumbs: eventCrumbs(event), event, values, errors, noindex: true })

  app.get('/events/:slug/cancel', { config: { serves: 'form', shows: 'event' }, schema: { querystring: query({ done }) } }, async (request, reply) => {
    if (!request.user) return signIn(request, reply)
    const { event } = await organisedEvent(db, request.actor, (request.params as Params).slug)
    return renderCancel(reply, event, {})
  })

  app.post('/events/:slug/cancel', async (request, reply) => {
    const { slug } = request.params as Params
    if (!signedIn(request.actor)) return signIn(request, reply, `/events/${slug}/cancel`)
    const actor = request.actor
    const { event } = await organisedEvent(db, actor, slug)
    const parsed = parseInput(cancelSchema, request.body)
    if (!parsed.ok) return renderCancel(reply, event, parsed.input, parsed.errors)
    await db.transaction().execute(async (trx) => cancelEvent(trx, actor, (await organisedEvent(trx, actor, slug)).event, parsed.value.reason))
    return reply.redirect(`/events/${slug}?done=cancelled`, 303)
  })

  // ------------------------------------------------------------ the organisers' notes, after the event

  const renderNotes = (reply: FastifyReply, event: EventRow, values: Record<string, unknown>, errors?: FieldErrors) =>
    reply.code(errors ? 422 : 200).render('events/notes-form.njk', { title: `Notes of “${event.title}”`, breadcrumbs: eventCrumbs(event), event, values, errors, noindex: true })

  app.get('/events/:slug/notes', { config: { serves: 'form', shows: 'event' }, schema: { querystring: query({ done }) } }, async (request, reply) => {
    if (!request.user) return signIn(request, reply)
    const actor = request.actor
    const { event } = await organisedEvent(db, actor, (request.params as Params).slug)
    const posts = await linkedPosts(db, actor, event)
    return renderNotes(reply, event, { notes: event.notes, posts: posts.map((p) => `${app.config.baseUrl}${p.url}`).join('\n') })
  })

  app.post('/events/:slug/notes', async (request, reply) => {
    const { slug } = request.params as Params
    if (!signedIn(request.actor)) return signIn(request, reply, `/events/${slug}/notes`)
    const actor = request.actor
    const { event } = await organisedEvent(db, actor, slug)
    const raw = { notes: String(bodyOf(request).notes ?? ''), posts: String(bodyOf(request).posts ?? '') }
    const parsed = parseInput(eventNotesSchema, request.body)
    if (!parsed.ok) return renderNotes(reply, event, raw, parsed.errors)
    try {
      await db.transaction().execute(async (trx) => publishEventNotes(trx, actor, (await organisedEvent(trx, actor, slug)).event, parsed.value))
    } catch (err) {
      const errors = fieldErrors(err)
      if (errors) return renderNotes(reply, event, raw, errors)
      throw err
    }
    return reply.redirect(`/events/${slug}?done=notes#notes`, 303)
  })
}
