import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Db } from '../../../core/db/database.ts'
import { AppError, type FieldErrors } from '../../../core/errors.ts'
import { loadCommunityAsHost } from '../communities.ts'

// What the communities' page routes share, so each section's routes file says only its own routes.

/** Route parameters of the communities pages (each route has some of them). */
export type Params = { slug: string; id: string; replyId: string; userId: string }
/** Query string values as Fastify parses them. */
export type Query = Record<string, string | undefined>

/** Fixed messages for `?done=` after a redirect (never echo user input). */
export const DONE: Record<string, string> = {
  created: 'Community created',
  saved: 'Changes saved',
  joined: 'You joined the community',
  requested: 'Your request to join has been sent to the hosts',
  left: 'You left the community',
  invited: 'Invitation sent',
  member: 'Membership updated',
  declined: 'Invitation declined',
  cancelled: 'Invitation cancelled',
  link: 'Link added to the library',
  file: 'File uploaded to the library',
  edited: 'Your changes have been saved',
  moderated: 'Thread updated',
}

/** Sends an anonymous person to sign in, and back to `path` (by default the page they asked for) afterwards. */
export const signIn = (request: FastifyRequest, reply: FastifyReply, path = request.url) => reply.redirect(`/sign-in?next=${encodeURIComponent(path)}`, 303)

/** Fields of a multipart body ({ value } objects) or a plain form body. */
export function fieldsOf(body: unknown): Record<string, unknown> {
  return body && typeof body === 'object' ? (body as Record<string, unknown>) : {}
}

/** Errors with field messages come back to the form; others go to the error handler. */
export function fieldErrors(err: unknown): FieldErrors | null {
  return err instanceof AppError && err.fields ? err.fields : null
}

/** Breadcrumbs down to a community's page. */
export function communityCrumbs(c: { slug: string; name: string }) {
  return [
    { text: 'Home', href: '/' },
    { text: 'Communities', href: '/communities' },
    { text: c.name, href: `/communities/${c.slug}` },
  ]
}

/** The community in the URL for one of its hosts (404 for those who may not see it, 403 for other readers). */
export const loadHost = (request: FastifyRequest, slug: string, db: Db = request.server.db) => loadCommunityAsHost(db, request.actor, slug)
