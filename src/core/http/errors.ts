import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AppError } from '../errors.ts'
import { errorList } from './forms.ts'
import { databaseUnavailable, type Unavailability } from '../db/errors.ts'

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Sign in required',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict',
  413: 'Too large',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  429: 'Too many requests',
  503: 'Service unavailable',
}

const UNAVAILABLE: Record<Unavailability, string> = {
  unreachable: 'The service cannot reach its database just now.',
  'read-only': 'The service cannot save changes just now (its database is read-only). Nothing you sent was saved.',
  full: 'The service cannot save changes just now (its storage is full). Nothing you sent was saved.',
}

export const isApiRequest = (request: FastifyRequest) => request.url.startsWith('/api/')

/** Sends an RFC 9457 problem body. */
export function sendProblem(reply: FastifyReply, status: number, detail: string, extra: Record<string, unknown> = {}): FastifyReply {
  return reply
    .code(status)
    .type('application/problem+json; charset=utf-8')
    .send({ type: 'about:blank', title: TITLES[status] ?? (status >= 500 ? 'Internal server error' : 'Error'), status, detail, ...extra })
}

async function renderErrorPage(reply: FastifyReply, status: number, heading: string, paragraphs: string[]): Promise<FastifyReply> {
  return reply.code(status).render('errors/error.njk', { title: heading, heading, paragraphs, noindex: true, errorPage: true })
}

/** Maps every error to HTTP once: problem+json for the API, a GOV.UK error page for pages. 5xx details never reach the user. */
export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler(async (error: FastifyError | AppError, request, reply) => {
    let status = error instanceof AppError ? error.status : (error as FastifyError).statusCode ?? 500
    if ((error as FastifyError).validation) status = 400
    if (status < 400 || status > 599) status = 500
    // The database away, read-only or full: the real error in the log, a clear 503 for the reader (nothing saved).
    const unavailable = status === 500 ? databaseUnavailable(error) : null
    if (unavailable) {
      request.log.error({ err: error, database: unavailable }, 'database unavailable')
      reply.header('retry-after', '30')
      const detail = UNAVAILABLE[unavailable]
      if (isApiRequest(request)) return sendProblem(reply, 503, detail)
      return renderErrorPage(reply, 503, 'Sorry, the service is unavailable', [detail, 'Try again in a few minutes.'])
    }
    // A 503 of our own (too many sign-ins at once) says why and when to come back.
    if (status === 503 && error instanceof AppError) {
      reply.header('retry-after', '5')
      if (isApiRequest(request)) return sendProblem(reply, 503, error.message)
      return renderErrorPage(reply, 503, 'Sorry, the service is busy', [error.message])
    }
    if (status >= 500) request.log.error({ err: error }, 'request failed')
    const csrf = (error as FastifyError).code === 'FST_CSRF_INVALID_TOKEN' || (error as FastifyError).code === 'FST_CSRF_MISSING_SECRET'
    const message = status >= 500 ? 'Sorry, there is a problem with the service. Try again later.' : csrf ? 'Your form had expired. Go back, reload the page and try again.' : error.message
    if (isApiRequest(request)) {
      const fields = error instanceof AppError ? error.fields : undefined
      return sendProblem(reply, status, message, fields ? { errors: errorList(fields).map((e) => ({ field: e.href.slice(1), message: e.text })) } : {})
    }
    if (status === 404) return renderErrorPage(reply, 404, 'Page not found', ['If you typed the web address, check it is correct.', 'If you pasted the web address, check you copied the entire address.'])
    if (status === 429) return renderErrorPage(reply, 429, 'Too many attempts', ['You have tried too many times. Wait a few minutes, then try again.'])
    if (status >= 500) return renderErrorPage(reply, status, 'Sorry, there is a problem with the service', ['Try again later.'])
    return renderErrorPage(reply, status, csrf ? 'Your form had expired' : TITLES[status] ?? 'There is a problem', [message])
  })

  app.setNotFoundHandler(async (request, reply) => {
    // A path that exists for other methods: 405 with the methods it has (RFC 9110 §15.5.6), not "no such page".
    const allowed = app.allowedMethods ? app.allowedMethods(request.url.split('?')[0]!) : []
    if (allowed.length && !allowed.includes(request.method)) {
      reply.header('allow', allowed.join(', '))
      if (isApiRequest(request)) return sendProblem(reply, 405, `This address answers ${allowed.join(', ')} only`)
      return renderErrorPage(reply, 405, 'Method not allowed', [`This address answers ${allowed.join(', ')} only.`])
    }
    if (isApiRequest(request)) return sendProblem(reply, 404, 'No such resource')
    return renderErrorPage(reply, 404, 'Page not found', ['If you typed the web address, check it is correct.', 'If you pasted the web address, check you copied the entire address.'])
  })
}
