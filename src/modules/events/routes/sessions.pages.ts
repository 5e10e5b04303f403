import { done, query, text } from '../../../core/http/schemas.ts'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { can } from '../../../core/access/can.ts'
import { heldStateOf } from '../../../core/access/held.ts'
import { signedIn, type Actor } from '../../../core/access/policy.ts'
import { AppError, notFound, type FieldErrors } from '../../../core/errors.ts'
import { parseInput } from '../../../core/http/forms.ts'
import { submissionTokenIn, submitOnce } from '../../../core/http/submissions.ts'
import { eventCards, viewableEvent, type EventRow } from '../events.ts'
import { pitchSchema, SESSION_FORMAT_LABELS, sessionNotesSchema, voteSchema } from '../events.schemas.ts'
import { notesFacts, notesHistory, NotesConflict, saveSessionNotes } from '../notes.ts'
import { castVote, editPitch, listSessions, pitchSession, viewableSession } from '../unconference.ts'
import { eventCrumbs, fieldErrors, flashOf, signIn, typed, type Params } from './page-helpers.ts'

/** An unconference's sessions: the list with votes, pitching, a session's page, and its shared notes. */
export const sessionPages: FastifyPluginAsync = async (app) => {
  const db = app.db

  /** The event in the URL, if it runs as an unconference and the reader may see it; 404 otherwise. */
  const unconference = async (actor: Actor, slug: string, trx = db) => {
    const found = await viewableEvent(trx, actor, slug)
    if (!Number(found.event.unconference)) throw notFound()
    return found
  }
  const sessionCrumbs = (e: EventRow) => [...eventCrumbs(e), { text: 'Sessions', href: `/events/${e.slug}/sessions` }]

  // ------------------------------------------------------------ the list, and voting

  async function renderSessions(request: FastifyRequest, reply: FastifyReply, slug: string, errors?: FieldErrors, status = 200) {
    const actor = request.actor
    const { event, facts } = await unconference(actor, slug)
    const [list, cards, canPitch, manage] = await Promise.all([
      listSessions(db, actor, event, { showPlaces: true }),
      eventCards(db, actor, [event]),
      can(db, actor, 'contribute', 'event', facts),
      can(db, actor, 'manage', 'event', facts),
    ])
    return reply.code(status).render('events/sessions.njk', {
      title: `Sessions of ${event.title}`,
      breadcrumbs: eventCrumbs(event),
      event,
      e: cards[0],
      ...list,
      canVote: list.votesLeft !== null && !cards[0]!.past && !cards[0]!.cancelled,
      canPitch,
      manage,
      errors,
      noindex: event.space_id !== null,
      flash: flashOf(request),
    })
  }

  app.get('/events/:slug/sessions', { config: { serves: 'page', cache: true, cacheQuery: ['done'], shows: 'event' } }, async (request, reply) => renderSessions(request, reply, (request.params as Params).slug))

  app.post('/events/:slug/sessions/:id/vote', async (request, reply) => {
    const { slug, id } = request.params as Params
    if (!signedIn(request.actor)) return signIn(request, reply, `/events/${slug}/sessions`)
    const actor = request.actor
    const { event } = await unconference(actor, slug)
    const parsed = parseInput(voteSchema, request.body)
    if (!parsed.ok) throw new AppError('invalid', 400, 'Choose to vote or withdraw your vote')
    const back = (request.body as Record<string, unknown>).from === 'session' ? `/events/${slug}/sessions/${id}` : `/events/${slug}/sessions`
    try {
      await db.transaction().execute((trx) => castVote(trx, actor, event.id, id, parsed.value.vote === 'add'))
    } catch (err) {
      if (err instanceof AppError && err.status === 409) return renderSessions(request, reply, slug, { [`session-${id}`]: err.message }, 409)
      throw err
    }
    return reply.redirect(`${back}?done=${parsed.value.vote === 'add' ? 'voted' : 'unvoted'}#session-${id}`, 303)
  })

  // ------------------------------------------------------------ pitching

  const renderPitch = (reply: FastifyReply, event: EventRow, values: Record<string, unknown>, errors: FieldErrors | undefined, session: { id: string } | null) =>
    reply.code(errors ? 422 : 200).render('events/pitch-form.njk', {
      title: session ? 'Edit your pitch' : `Pitch a session for ${event.title}`,
      heading: session ? 'Edit your pitch' : 'Pitch a session',
      breadcrumbs: sessionCrumbs(event),
      event,
      action: session ? `/events/${event.slug}/sessions/${session.id}/edit` : `/events/${event.slug}/sessions/new`,
      creating: !session,
      values,
      errors,
      formatItems: Object.entries(SESSION_FORMAT_LABELS).map(([value, text]) => ({ value, text, checked: values.format === value })),
      noindex: true,
    })

  app.get('/events/:slug/sessions/new', { config: { serves: 'form', shows: 'event' }, schema: { querystring: query({ done }) } }, async (request, reply) => {
    if (!request.user) return signIn(request, reply)
    const { event, facts } = await unconference(request.actor, (request.params as Params).slug)
    if (!(await can(db, request.actor, 'contribute', 'event', facts))) return reply.redirect(`/events/${event.slug}`, 303)
    return renderPitch(reply, event, { format: 'discussion' }, undefined, null)
  })

  app.post('/events/:slug/sessions/new', async (request, reply) => {
    const { slug } = request.params as Params
    if (!signedIn(request.actor)) return signIn(request, reply, `/events/${slug}/sessions/new`)
    const actor = request.actor
    const { event } = await unconference(actor, slug)
    const token = submissionTokenIn(request.body)
    const parsed = parseInput(pitchSchema, request.body)
    if (!parsed.ok) return renderPitch(reply, event, { ...parsed.input, _submission: token ?? '' }, parsed.errors, null)
    const { url } = await submitOnce(db, token, actor.userId, async (trx) => `/events/${slug}/sessions/${(await pitchSession(trx, actor, (await unconference(actor, slug, trx)).event, parsed.value)).id}?done=pitched`)
    return reply.redirect(url, 303)
  })

  app.get('/events/:slug/sessions/:id/edit', { config: { serves: 'form', shows: 'event_session' }, schema: { querystring: query({ done }) } }, async (request, reply) => {
    if (!request.user) return signIn(request, reply)
    const { slug, id } = request.params as Params
    const { event } = await unconference(request.actor, slug)
    const { session, facts } = await viewableSession(db, request.actor, event, id)
    if (!(await can(db, request.actor, 'edit', 'event_session', facts))) throw notFound()
    return renderPitch(reply, event, { title: session.title, summary: session.summary, format: session.format }, undefined, session)
  })

  app.post('/events/:slug/sessions/:id/edit', async (request, reply) => {
    const { slug, id } = request.params as Params
    if (!signedIn(request.actor)) return signIn(request, reply, `/events/${slug}/sessions/${id}/edit`)
    const actor = request.actor
    const { event } = await unconference(actor, slug)
    const { session, facts } = await viewableSession(db, actor, event, id)
    if (!(await can(db, actor, 'edit', 'event_session', facts))) throw notFound()
    const parsed = parseInput(pitchSchema, request.body)
    if (!parsed.ok) return renderPitch(reply, event, parsed.input, parsed.errors, session)
    await db.transaction().execute((trx) => editPitch(trx, event, session, parsed.value))
    return reply.redirect(`/events/${slug}/sessions/${id}?done=saved`, 303)
  })

  // ------------------------------------------------------------ a session's page

  app.get('/events/:slug/sessions/:id', { config: { serves: 'page', cache: true, cacheQuery: ['done'], shows: 'event_session' } }, async (request, reply) => {
    const { slug, id } = request.params as Params
    const actor = request.actor
    const { event } = await unconference(actor, slug)
    const { session, facts } = await viewableSession(db, actor, event, id)
    const nf = notesFacts(session, facts)
    const [list, cards, canEdit, canVote, canReadNotes, canWriteNotes] = await Promise.all([
      listSessions(db, actor, event, { showPlaces: true }),
      eventCards(db, actor, [event]),
      can(db, actor, 'edit', 'event_session', facts),
      can(db, actor, 'participate', 'event_session', facts),
      can(db, actor, 'view', 'session_notes', nf),
      can(db, actor, 'edit', 'session_notes', nf),
    ])
    const card = list.sessions.find((s) => s.id === session.id)
    if (!card) throw notFound()
    const notesHeld = session.notes_hidden_at ? await heldStateOf(db, 'session_notes', session.id) : null
    return reply.render('events/session.njk', {
      title: session.title,
      breadcrumbs: sessionCrumbs(event),
      event,
      e: cards[0],
      s: card,
      votesLeft: list.votesLeft,
      canEdit,
      canVote: canVote || card.voted,
      notesHtml: canReadNotes ? session.notes_html : null,
      notesHidden: session.notes_hidden_at !== null,
      notesPending: notesHeld === 'pending',
      canWriteNotes,
      notesLater: !canReadNotes && !cards[0]!.past,
      noindex: event.space_id !== null || session.hidden_at !== null,
      flash: flashOf(request),
    })
  })

  // ------------------------------------------------------------ shared notes

  /** The session and its notes' facts, for a reader allowed `action` on the notes (404 otherwise). */
  async function notesOf(actor: Actor, slug: string, id: string, action: 'view' | 'edit', trx = db) {
    const { event } = await unconference(actor, slug, trx)
    const { session, facts } = await viewableSession(trx, actor, event, id)
    if (!(await can(trx, actor, action, 'session_notes', notesFacts(session, facts)))) throw notFound()
    return { event, session }
  }

  const renderNotesForm = (reply: FastifyReply, event: EventRow, session: { id: string; title: string }, values: Record<string, unknown>, errors?: FieldErrors, theirs?: string, status?: number) =>
    reply.code(status ?? (errors ? 422 : 200)).render('events/session-notes-form.njk', {
      title: `Notes of “${session.title}”`,
      breadcrumbs: [...sessionCrumbs(event), { text: session.title, href: `/events/${event.slug}/sessions/${session.id}` }],
      event,
      session,
      values,
      errors,
      theirs,
      noindex: true,
    })

  app.get('/events/:slug/sessions/:id/notes', { config: { serves: 'form', shows: 'event_session' }, schema: { querystring: query({ done }) } }, async (request, reply) => {
    if (!request.user) return signIn(request, reply)
    const { slug, id } = request.params as Params
    const { event, session } = await notesOf(request.actor, slug, id, 'edit')
    return renderNotesForm(reply, event, session, { notes: session.notes, revision: String(session.notes_revision) })
  })

  app.post('/events/:slug/sessions/:id/notes', async (request, reply) => {
    const { slug, id } = request.params as Params
    if (!signedIn(request.actor)) return signIn(request, reply, `/events/${slug}/sessions/${id}/notes`)
    const actor = request.actor
    const { event, session } = await notesOf(actor, slug, id, 'edit')
    const parsed = parseInput(sessionNotesSchema, request.body)
    const revision = Number.parseInt(parsed.ok ? parsed.value.revision : '', 10)
    if (!parsed.ok || !Number.isInteger(revision) || revision < 0) return renderNotesForm(reply, event, session, typed(sessionNotesSchema, request.body), parsed.ok ? { notes: 'Reload the page and try again' } : parsed.errors)
    try {
      await db.transaction().execute(async (trx) => {
        const fresh = await notesOf(actor, slug, id, 'edit', trx)
        return saveSessionNotes(trx, actor, fresh.event, fresh.session, parsed.value.notes, revision)
      })
    } catch (err) {
      // Someone saved first: keep this person's text, show theirs, and let the next save build on theirs.
      if (err instanceof NotesConflict) return renderNotesForm(reply, event, session, { notes: parsed.value.notes, revision: String(err.current.revision) }, err.fields, err.current.notes, 409)
      const errors = fieldErrors(err)
      if (errors) return renderNotesForm(reply, event, session, typed(sessionNotesSchema, request.body), errors)
      throw err
    }
    return reply.redirect(`/events/${slug}/sessions/${id}?done=session_notes#notes`, 303)
  })

  app.get('/events/:slug/sessions/:id/notes/history', { config: { serves: 'page', shows: 'event_session' }, schema: { querystring: query({ done }) } }, async (request, reply) => {
    const { slug, id } = request.params as Params
    const { event, session } = await notesOf(request.actor, slug, id, 'view')
    return reply.render('events/session-notes-history.njk', {
      title: `Earlier versions of the notes of “${session.title}”`,
      breadcrumbs: [...sessionCrumbs(event), { text: session.title, href: `/events/${event.slug}/sessions/${session.id}` }],
      event,
      session,
      revisions: await notesHistory(db, session.id),
      noindex: true,
    })
  })

}
