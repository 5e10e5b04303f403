import type { FastifyRequest } from 'fastify'
import { AppError } from '../errors.ts'

/**
 * API writes are authenticated by the session cookie (SameSite=Lax) and need no CSRF token, because they take
 * JSON only — even a POST with no body must say `Content-Type: application/json`. A page on another site cannot
 * send that (nor a PUT, PATCH or DELETE) without a CORS preflight, and preflights are allowed only for GET and
 * HEAD (core/http/transport.ts), so such a request never leaves the browser. Use as a route's `preValidation`
 * (before the body schema, so a body-less POST is a 415 too).
 */
export async function jsonWrite(request: FastifyRequest): Promise<void> {
  if (request.method === 'DELETE') return
  const type = (request.headers['content-type'] ?? '').split(';', 1)[0]!.trim().toLowerCase()
  if (type !== 'application/json') throw new AppError('unsupported_media_type', 415, 'This address takes application/json only')
}

/** The problem+json shape every API error has, for route `response` schemas. */
export const problemSchema = { type: 'object', properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' }, errors: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } } } } as const
