import { done, query, text } from '../../../core/http/schemas.ts'
import type { FastifyPluginAsync } from 'fastify'
import { signedIn } from '../../../core/access/policy.ts'
import { AppError } from '../../../core/errors.ts'
import { parseInput } from '../../../core/http/forms.ts'
import { eventCards, organisedEvent, viewableEvent } from '../events.ts'
import { rsvpSchema } from '../events.schemas.ts'
import { repliesFor, reply as answer } from '../rsvp.ts'
import { eventCrumbs, signIn, type Params } from './page-helpers.ts'

/** Replying to an event, and the organisers' list of who replied. */
export const rsvpPages: FastifyPluginAsync = async (app) => {
  const db = app.db

  app.post('/events/:slug/rsvp', async (request, reply) => {
    const { slug } = request.params as Params
    if (!signedIn(request.actor)) return signIn(request, reply, `/events/${slug}`)
    const actor = request.actor
    const { event } = await viewableEvent(db, actor, slug)
    const parsed = parseInput(rsvpSchema, request.body)
    if (!parsed.ok) throw new AppError('invalid', 400, 'Choose going or not going')
    const outcome = await db.transaction().execute((trx) => answer(trx, actor, event.id, parsed.value.answer as 'going' | 'not_going'))
    return reply.redirect(`/events/${slug}?done=${outcome.status}`, 303)
  })

  // Organisers only: anyone else, signed in or not, gets 404 (it is linked from the event page for organisers).
  app.get('/events/:slug/attendees', { config: { serves: 'page', shows: 'event_attendees' }, schema: { querystring: query({ done }) } }, async (request, reply) => {
    const { event } = await organisedEvent(db, request.actor, (request.params as Params).slug)
    const [replies, cards] = await Promise.all([repliesFor(db, event.id), eventCards(db, request.actor, [event])])
    return reply.render('events/attendees.njk', { title: `Who replied to “${event.title}”`, breadcrumbs: eventCrumbs(event), event, e: cards[0], replies, noindex: true })
  })
}
