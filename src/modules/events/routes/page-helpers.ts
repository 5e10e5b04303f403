import type { FastifyReply, FastifyRequest } from 'fastify'
import { AppError, type FieldErrors } from '../../../core/errors.ts'
import type { EventRow } from '../events.queries.ts'

// What the events' page routes share, so each section's routes file says only its own routes.

export type Params = { slug: string; id: string; roomId: string; slotId: string; token: string; handle: string }
export type Query = Record<string, string | undefined>

/** Fixed messages for `?done=` after a redirect (never echo user input). */
export const DONE: Record<string, string> = {
  created: 'Event created',
  saved: 'Changes saved',
  going: 'You are going. We have saved your place',
  waiting: 'The event is full: you are on the waiting list. We will tell you if a place opens up',
  not_going: 'Your reply has been saved: not going',
  cancelled: 'The event has been cancelled and everyone who replied has been told',
  notes: 'Notes published',
  pitched: 'Your session has been pitched',
  voted: 'Vote saved',
  unvoted: 'Vote withdrawn',
  room: 'Room added',
  room_removed: 'Room removed',
  slot: 'Time slot added',
  slot_removed: 'Time slot removed',
  filled: 'The grid has been filled by votes',
  grid: 'Grid saved',
  published: 'The schedule has been published',
  unpublished: 'The schedule is back to draft',
  session_notes: 'Notes saved',
  calendar: 'Your calendar address has been made',
  calendar_removed: 'Your calendar address no longer works',
}

/** Sends an anonymous person to sign in, and back to `path` (by default the page they asked for). */
export const signIn = (request: FastifyRequest, reply: FastifyReply, path = request.url) => reply.redirect(`/sign-in?next=${encodeURIComponent(path)}`, 303)

/** Errors with field messages come back to the form; others go to the error handler. */
export function fieldErrors(err: unknown): FieldErrors | null {
  return err instanceof AppError && err.fields && (err.status === 422 || err.status === 409) ? err.fields : null
}

export function eventCrumbs(e: Pick<EventRow, 'slug' | 'title'> | null) {
  return [{ text: 'Home', href: '/' }, { text: 'Events', href: '/events' }, ...(e ? [{ text: e.title, href: `/events/${e.slug}` }] : [])]
}

/** The flash message for `?done=`. */
export const flashOf = (request: FastifyRequest) => {
  const done = (request.query as Query).done
  return done ? DONE[done] : undefined
}

/** Fields of a form body. */
export const bodyOf = (request: FastifyRequest) => ((request.body && typeof request.body === 'object' ? request.body : {}) as Record<string, unknown>)

/** The form's fields as the person typed them (strings), to show again after an error found past parsing. */
export function typed(schema: Record<string, unknown>, body: unknown): Record<string, string> {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>
  const out: Record<string, string> = {}
  for (const key of [...Object.keys(schema), '_submission']) {
    const v = b[key]
    out[key] = typeof v === 'string' ? v : Array.isArray(v) ? v.filter((x) => typeof x === 'string').join(', ') : ''
  }
  return out
}
