import type { FastifyReply, FastifyRequest } from 'fastify'

/**
 * Cookie names carry the browser's prefixes when the site is served over https (BASE_URL https://): `__Host-` for a
 * cookie of the whole site (the browser then insists on Secure, Path=/ and no Domain, so neither a sibling subdomain
 * nor a network attacker on plain http can plant or overwrite it), `__Secure-` for one kept to a path. Over plain
 * http, in development, browsers refuse prefixed cookies, so the bare names are used there.
 */
export const hostCookie = (name: string, secure: boolean) => (secure ? `__Host-${name}` : name)
export const pathCookie = (name: string, secure: boolean) => (secure ? `__Secure-${name}` : name)

/** The CSRF secret's cookie (core/http/security.ts). */
export const CSRF_COOKIE = 'openly_csrf'

/**
 * A new CSRF secret at sign-in (and whenever a session starts): a token someone obtained before (planted on a
 * shared computer, or read from a page cached before sign-in) is worthless afterwards.
 */
export function rotateCsrf(request: FastifyRequest, reply: FastifyReply): void {
  const name = hostCookie(CSRF_COOKIE, request.server.config.secureCookies)
  delete request.cookies[name]
  reply.generateCsrf()
}
