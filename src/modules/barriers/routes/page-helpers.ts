import type { FastifyReply, FastifyRequest } from 'fastify'
import { AppError, type FieldErrors } from '../../../core/errors.ts'
import { KIND_TEXT, type EntryRow, type WikiKind } from '../barriers.ts'

// What the wiki's page routes share, so each routes file says only its own routes.

/** Fixed messages for `?done=` after a redirect (never echo user input). */
export const DONE: Record<string, string> = {
  created: 'Thank you: the page is written',
  held: 'Your page waits for a moderator’s approval, because it has links and your account is new. Only you can see it until then',
  saved: 'Your changes are saved as a new revision',
  reverted: 'The page is back to the earlier revision, saved as a new revision',
  endorsed: 'Thank you: your endorsement is added',
  withdrawn: 'Your endorsement is withdrawn',
  linked: 'Link added',
  unlinked: 'Link removed',
}

/** The `?done=` message, if it is one of ours. */
export const doneMessage = (request: FastifyRequest) => DONE[(request.query as { done?: string } | undefined)?.done ?? ''] ?? undefined

/** Sends an anonymous person to sign in, and back to `path` afterwards. */
export const signIn = (request: FastifyRequest, reply: FastifyReply, path = request.url) => reply.redirect(`/sign-in?next=${encodeURIComponent(path)}`, 303)

/** Errors with field messages come back to the form; others go to the error handler. */
export const fieldErrors = (err: unknown): FieldErrors | null => (err instanceof AppError && err.fields ? err.fields : null)

export function crumbs(kind: WikiKind, entry?: Pick<EntryRow, 'slug' | 'title'>) {
  const base = [
    { text: 'Home', href: '/' },
    { text: KIND_TEXT[kind].title, href: KIND_TEXT[kind].path },
  ]
  return entry ? [...base, { text: entry.title, href: `${KIND_TEXT[kind].path}/${entry.slug}` }] : base
}

/** `?a=1&b=2` from the non-empty values, or ''. */
export function queryString(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v))
  const s = q.toString()
  return s ? `?${s}` : ''
}

/** A revision number from a URL or form ("3"), or null. */
export function revisionNumber(value: unknown): number | null {
  const s = String(value ?? '')
  return /^[1-9]\d{0,8}$/.test(s) ? Number(s) : null
}
