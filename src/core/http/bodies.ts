import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify'
import fp from 'fastify-plugin'
import multipart from '@fastify/multipart'
import { AppError } from '../errors.ts'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The form takes a file: multipart/form-data is accepted besides url-encoded forms, and read into `request.upload`. */
    files?: boolean
  }
  interface FastifyRequest {
    /** The file sent with a multipart form on a route with `config.files`, or null. */
    upload: UploadedFile | null
  }
}

/** A file as a form sent it: `truncated` when it was cut off at the upload limit (the form says so). */
export interface UploadedFile {
  field: string
  fileName: string
  mimeType: string
  data: Buffer
  truncated: boolean
}

/** Largest body of any type but a file upload: far above any form, small enough to parse at once. */
export const BODY_LIMIT = 1024 * 1024
/** JSON nested deeper than this is refused before it is parsed (secure-json-parse recurses, so 50,000 levels overflowed the stack). */
export const JSON_DEPTH = 32

const FORM = 'application/x-www-form-urlencoded'
const MULTIPART = 'multipart/form-data'
const JSON_TYPE = 'application/json'
const HAS_BODY = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/** True when a JSON text opens more than `max` arrays or objects inside each other (strings skipped). */
export function nestedDeeperThan(text: string, max: number): boolean {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 92) i++ // backslash: skip the escaped character
      else if (c === 34) inString = false
    } else if (c === 34) inString = true
    else if (c === 91 || c === 123) {
      if (++depth > max) return true
    } else if (c === 93 || c === 125) depth--
  }
  return false
}

/** NUL in any string of a parsed body: PostgreSQL refuses it and no real input has it. */
export function hasNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000')
  if (depth > JSON_DEPTH || !value || typeof value !== 'object') return false
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) if (key.includes('\u0000') || hasNul(v, depth + 1)) return true
  return false
}

export const nulRefused = () => new AppError('invalid_characters', 400, 'The text you entered contains characters that are not allowed')

const mediaType = (header: string | undefined) => (header ?? '').split(';', 1)[0]!.trim().toLowerCase()
const carriesBody = (request: FastifyRequest) => request.headers['transfer-encoding'] !== undefined || (request.headers['content-length'] ?? '0') !== '0'

/** The body types a route takes: JSON for the API, url-encoded forms for pages, and multipart where files are taken. */
function acceptedTypes(route: RouteOptions): string[] {
  if (route.url.startsWith('/api/')) return [JSON_TYPE]
  return route.config?.files ? [FORM, MULTIPART] : [FORM]
}

/**
 * Reads a multipart form on a route that takes files. Fields become plain strings (a repeated name an array);
 * the file is checked for sign-in (config.signIn ran before the body) and for the CSRF token, which the form sends
 * before its file, before a byte of the file is read. Malformed multipart is a 400, a NUL anywhere a 400.
 */
async function readMultipart(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  if (!request.isMultipart()) return
  const fields: Record<string, string | string[]> = Object.create(null)
  request.body = fields
  let csrfChecked = false
  try {
    for await (const part of request.parts()) {
      if (part.fieldname.includes('\u0000')) throw nulRefused()
      if (part.type === 'field') {
        const value = String(part.value)
        if (value.includes('\u0000')) throw nulRefused()
        if (part.valueTruncated) throw new AppError('too_large', 413, 'Some of the text you entered is too long')
        const before = fields[part.fieldname]
        fields[part.fieldname] = before === undefined ? value : [before, value].flat()
        continue
      }
      if (!csrfChecked) {
        await request.server.checkCsrf(request, reply)
        csrfChecked = true
      }
      if (part.filename.includes('\u0000') || part.mimetype.includes('\u0000')) throw nulRefused()
      const data = await part.toBuffer()
      request.upload = { field: part.fieldname, fileName: part.filename, mimeType: part.mimetype, data, truncated: part.file.truncated }
    }
  } catch (err) {
    if (err instanceof AppError || (err as { statusCode?: number }).statusCode === 403) throw err
    throw new AppError('malformed_body', 400, 'The form could not be read. Reload the page and try again', undefined)
  }
}

/** Refuses a body of a type the route does not take, before it is read (after the sign-in check). */
function acceptOnly(types: string[]) {
  const names = types.map((t) => (t === FORM ? 'a form' : t === MULTIPART ? 'a form with a file' : 'JSON')).join(' or ')
  return async (request: FastifyRequest) => {
    if (!carriesBody(request)) return
    if (!types.includes(mediaType(request.headers['content-type']))) throw new AppError('unsupported_media_type', 415, `This address takes ${names} only`)
  }
}

/**
 * Request bodies, for every route present and future (issue 12): at most BODY_LIMIT bytes of any type (files up to
 * the upload limit); JSON no deeper than JSON_DEPTH and only on the API; pages take url-encoded forms, and multipart
 * only where `config.files` says a file is taken; any other type is a 415 before the body is read. Register before
 * the routes and after core/http/input.ts (whose sign-in check must come first).
 */
export const bodiesPlugin = fp(
  async (app: FastifyInstance, options: { uploadMaxBytes: number }) => {
    const parseJson = app.getDefaultJsonParser('error', 'error')
    app.removeContentTypeParser(['application/json', 'text/plain'])
    app.addContentTypeParser(JSON_TYPE, { parseAs: 'string', bodyLimit: BODY_LIMIT }, (request, text: string | Buffer, done) => {
      if (nestedDeeperThan(String(text), JSON_DEPTH)) return done(new AppError('too_deep', 400, `JSON may nest at most ${JSON_DEPTH} levels`), undefined)
      parseJson(request, String(text), done)
    })
    await app.register(multipart, {
      throwFileSizeLimit: false,
      limits: { fileSize: options.uploadMaxBytes, files: 1, fields: 40, fieldSize: 250_000, parts: 45, headerPairs: 20 },
    })
    app.decorateRequest('upload', null)
    app.addHook('onRoute', (route: RouteOptions) => {
      const methods = [route.method].flat()
      if (!methods.some((m) => HAS_BODY.has(m))) return
      route.onRequest = [...[route.onRequest ?? []].flat(), acceptOnly(acceptedTypes(route))]
      if (route.config?.files) route.preValidation = [...[route.preValidation ?? []].flat(), readMultipart]
    })
  },
  { name: 'openly-bodies' },
)
