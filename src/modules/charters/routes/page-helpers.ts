import type { FastifyReply, FastifyRequest } from 'fastify'
import { AppError, type FieldErrors } from '../../../core/errors.ts'
import { findVisibleCharter, type CharterRow } from '../charters.ts'

// What the charters' page routes share, so each section's routes file says only its own routes.

/** Route parameters of the charters pages (each route has some of them). */
export type Params = { slug: string; number: string; id: string; userId: string; organisation: string; postId: string }
/** Query string values as Fastify parses them. */
export type Query = Record<string, string | undefined>

/** Fixed messages for `?done=` after a redirect (never echo user input). */
export const DONE: Record<string, string> = {
  created: 'Charter started: it is in drafting, open for amendments',
  edited: 'Saved as a new version',
  editor: 'Editors updated',
  published: 'The charter is published: it is open for signatures',
  closed: 'The charter is closed',
  proposed: 'Your amendment is proposed: members can now comment and vote on it',
  revised: 'Your amendment is revised',
  withdrawn: 'The amendment is withdrawn',
  voted: 'Your vote is recorded',
  unvoted: 'Your vote is removed',
  commented: 'Your comment is added',
  held: 'Your comment waits for a moderator’s approval, because it has links and your account is new. Only you can see it until then',
  accepted: 'Amendment accepted: the charter has a new version',
  rejected: 'Amendment rejected: its author has been told',
  signed: 'Signed: thank you',
  confirmed: 'Confirmed: the signature now stands for the current version',
  'signature-withdrawn': 'The signature is withdrawn: it stays in the register’s history, shown as withdrawn',
  pilot: 'Your organisation is now a pilot of this charter',
  'pilot-saved': 'Pilot updated',
  update: 'Progress post linked',
  'update-removed': 'Progress post unlinked',
}

/** The `?done=` message, if it is one of ours. */
export const doneMessage = (request: FastifyRequest) => DONE[(request.query as Query | undefined)?.done ?? ''] ?? undefined

/** Sends an anonymous person to sign in, and back to `path` (by default the page they asked for) afterwards. */
export const signIn = (request: FastifyRequest, reply: FastifyReply, path = request.url) => reply.redirect(`/sign-in?next=${encodeURIComponent(path)}`, 303)

/** Errors with field messages come back to the form; others go to the error handler. */
export function fieldErrors(err: unknown): FieldErrors | null {
  return err instanceof AppError && err.fields ? err.fields : null
}

/** A refusal that belongs on the page the person is on (409: decided meanwhile, closed, conflicting). */
export function refusal(err: unknown): string | null {
  return err instanceof AppError && err.status === 409 ? err.message : null
}

/** The charter in the URL, or 404. */
export const loadCharter = (request: FastifyRequest): Promise<CharterRow> => findVisibleCharter(request.server.db, request.actor, (request.params as Params).slug)

export function charterCrumbs(charter?: { slug: string; title: string }) {
  const crumbs = [
    { text: 'Home', href: '/' },
    { text: 'Charters', href: '/charters' },
  ]
  return charter ? [...crumbs, { text: charter.title, href: `/charters/${charter.slug}` }] : crumbs
}

/** `?a=1&b=2` from the non-empty values, or ''. */
export function queryString(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v))
  const s = q.toString()
  return s ? `?${s}` : ''
}
