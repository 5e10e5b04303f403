import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import cookie from '@fastify/cookie'
import csrf from '@fastify/csrf-protection'

declare module 'fastify' {
  interface FastifyRequest {
    /** A CSRF token for a form a panel renders (the page's own forms get `csrfToken` in their template). */
    formToken: (() => string) | null
    /**
     * A CSRF token was made for this response (formToken): its body then differs on every request (each token has a
     * random salt), so no validator of it could ever match (core/http/transport.ts sends none).
     */
    tokenIssued: boolean
  }
}
import formbody from '@fastify/formbody'
import helmet from 'helmet'
import rateLimit from '@fastify/rate-limit'
import type { Config } from '../../config.ts'
import { CSRF_COOKIE, hostCookie } from '../auth/cookies.ts'
import { BODY_LIMIT, hasNul, nulRefused } from './bodies.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** Checks the request's CSRF token (a 403 when it is wrong or missing): for readers of bodies that come in parts. */
    checkCsrf(request: FastifyRequest, reply: FastifyReply): Promise<void>
  }
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')

/** The inline script the page's document (GOV.UK's, in layouts/document.njk) adds to <body>; allowed by hash so the CSP needs no nonce (cached pages stay valid). */
function govukInlineScriptHash(): string {
  const template = readFileSync(join(root, 'src', 'core', 'views', 'templates', 'layouts', 'document.njk'), 'utf8')
  const script = /<script[^>]*>(document\.body\.className[^<]*)<\/script>/.exec(template)?.[1] ?? ''
  return `'sha256-${createHash('sha256').update(script).digest('base64')}'`
}


const PERMISSIONS_POLICY = ['accelerometer', 'autoplay', 'browsing-topics', 'camera', 'display-capture', 'geolocation', 'gyroscope', 'hid', 'magnetometer', 'microphone', 'midi', 'payment', 'publickey-credentials-get', 'serial', 'usb', 'xr-spatial-tracking']
  .map((feature) => `${feature}=()`)
  .join(', ')

/**
 * Security headers (a strict CSP without 'unsafe-inline'), signed cookies, form bodies, rate limits for the
 * routes that ask, CSRF on every form post, and refusal of NUL characters.
 */
export const securityPlugin = fp(
  async (app: FastifyInstance, options: { config: Config }) => {
    const { config } = options
    // Helmet's headers, its middleware built once: @fastify/helmet built it anew for every request (its CSP parsed
    // again, 4.8 µs against 0.16, and a closure per reply), for headers that never change here (decision 0051).
    const securityHeaders = helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'", govukInlineScriptHash()],
          styleSrc: ["'self'"],
          // Only this site's images: a remote image would tell its host who read the page (markdown.ts, decision 0019).
          imgSrc: ["'self'", 'data:'],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          upgradeInsecureRequests: config.secureCookies ? [] : null,
        },
      },
      strictTransportSecurity: config.secureCookies,
    })
    app.addHook('onRequest', (request, reply, done) => securityHeaders(request.raw, reply.raw, () => done()))
    // No page uses the camera, microphone, location, payments or other powerful features: nor may anything embedded.
    app.addHook('onRequest', (_request, reply, done) => {
      reply.header('permissions-policy', PERMISSIONS_POLICY)
      done()
    })
    await app.register(cookie, { secret: config.sessionSecret })
    await app.register(formbody, { bodyLimit: BODY_LIMIT })
    await app.register(csrf, {
      sessionPlugin: '@fastify/cookie',
      cookieKey: hostCookie(CSRF_COOKIE, config.secureCookies),
      cookieOpts: { path: '/', httpOnly: true, sameSite: 'lax', secure: config.secureCookies, signed: true },
      getToken: (request) => {
        const body = request.body as Record<string, unknown> | undefined
        const field = body?._csrf as unknown
        if (typeof field === 'string') return field
        if (field && typeof field === 'object' && 'value' in field) return String((field as { value: unknown }).value)
        return request.headers['x-csrf-token'] as string | undefined
      },
    })
    app.decorate('checkCsrf', (request: FastifyRequest, reply: FastifyReply) => new Promise<void>((resolve, reject) => app.csrfProtection(request, reply, (err?: Error) => (err ? reject(err) : resolve()))))
    await app.register(rateLimit, { global: false })

    // A CSRF token for forms rendered outside the page template (a panel's button): the same as the layout's,
    // made once per request (a second generateCsrf on a first visit would set a second secret and void the first).
    app.decorateRequest('formToken', null)
    app.decorateRequest('tokenIssued', false)
    app.addHook('onRequest', async (request, reply) => {
      let token: string | null = null
      request.formToken = () => {
        request.tokenIssued = true
        return (token ??= reply.generateCsrf())
      }
    })

    // PostgreSQL refuses text containing NUL; no legitimate input has it, so refuse it everywhere with a clear 400.
    app.addHook('preValidation', async (request) => {
      if (request.url.includes('%00') || hasNul(request.body)) throw nulRefused()
    })

    // CSRF on every form post (the API is read-only with no cookies needed).
    app.addHook('preHandler', async (request, reply) => {
      // Nor on a path no route answers for this method: nothing is changed there, and it answers 404 or 405.
      if (request.method === 'GET' || request.method === 'HEAD' || request.url.startsWith('/api/') || request.is404) return
      // Nor where the URL itself carries a signed credential (one-click unsubscribe: RFC 8058 posts without cookies).
      if (request.routeOptions.config.csrf === false) return
      await app.checkCsrf(request, reply)
    })
  },
  { name: 'openly-security' },
)
