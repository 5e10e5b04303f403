import type { FastifyReply, FastifyRequest } from 'fastify'
import { AppError, type FieldErrors } from '../../../core/errors.ts'
import type { ChallengeRow } from '../challenges.queries.ts'

// What the challenges' page routes share, so each section's routes file says only its own routes.

export type Params = { slug: string; id: string }
export type Query = Record<string, string | undefined>

/** Fixed messages for `?done=` after a redirect (never echo user input). */
export const DONE: Record<string, string> = {
  created: 'Challenge created',
  saved: 'Changes saved',
  moved: 'The challenge’s phase has been moved',
  organiser: 'The challenge has a new organiser. The admins of both organisations have been told',
  submitted: 'Your idea has been submitted',
  held: 'Your idea waits for a moderator’s approval, because it has links and your account is new. Only you can see it until then',
  edited: 'Your idea has been saved: its earlier version is kept in its history',
  voted: 'Vote saved',
  unvoted: 'Vote withdrawn',
  commented: 'Your comment has been added',
  comment_held: 'Your comment waits for a moderator’s approval, because it has links and your account is new',
  reviewed: 'Your review has been saved. Only the challenge’s organisers can read it',
  shortlist: 'The idea is on the shortlist and its authors have been told',
  unshortlist: 'The idea is off the shortlist and its authors have been told',
  winner: 'The idea has been announced a winner and its authors have been told',
  project: 'The idea is now a project',
}

export const flashOf = (request: FastifyRequest) => DONE[(request.query as Query | undefined)?.done ?? ''] ?? undefined

/** Sends an anonymous person to sign in, and back to `path` (by default the page they asked for). */
export const signIn = (request: FastifyRequest, reply: FastifyReply, path = request.url) => reply.redirect(`/sign-in?next=${encodeURIComponent(path)}`, 303)

/** Errors with field messages come back to the form; others go to the error handler. */
export function fieldErrors(err: unknown): FieldErrors | null {
  return err instanceof AppError && err.fields ? err.fields : null
}

/** The status a form answers with when it comes back with errors: 409 for a refusal (closed meanwhile), else 422. */
export const errorStatus = (err: unknown) => (err instanceof AppError && err.status === 409 ? 409 : 422)

export function challengeCrumbs(c?: Pick<ChallengeRow, 'slug' | 'title'>) {
  return [{ text: 'Home', href: '/' }, { text: 'Challenges', href: '/challenges' }, ...(c ? [{ text: c.title, href: `/challenges/${c.slug}` }] : [])]
}

/** `?a=1&b=2` from the non-empty values, or ''. */
export function queryString(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v))
  const s = q.toString()
  return s ? `?${s}` : ''
}
