import type { FastifyInstance, LightMyRequestResponse } from 'fastify'

/**
 * A browser-like client over app.inject(): keeps cookies, and submits forms the way a person
 * does, by loading the page first and sending back its CSRF token.
 */
export class TestClient {
  app: FastifyInstance
  cookies = new Map<string, string>()
  /** The network address requests come from (what request.ip sees). */
  ip: string
  constructor(app: FastifyInstance, ip = '127.0.0.1') {
    this.app = app
    this.ip = ip
  }

  /** The client's cookies as a `Cookie` header, for requests made by hand. */
  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }

  /**
   * Openly never answers 5xx, so any 5xx fails the test at once: otherwise a negative check ("the page does not
   * show X", "the list is empty") would pass on an error page.
   */
  #check(method: string, url: string, res: LightMyRequestResponse): LightMyRequestResponse {
    if (res.statusCode >= 500) throw new Error(`${method} ${url} answered ${res.statusCode}: ${res.body.slice(0, 500)}`)
    return res
  }

  #keep(res: LightMyRequestResponse): void {
    for (const c of res.cookies as Array<{ name: string; value: string; expires?: Date; maxAge?: number }>) {
      if (c.value === '' || (c.expires && c.expires.getTime() < Date.now()) || c.maxAge === 0) this.cookies.delete(c.name)
      else this.cookies.set(c.name, c.value)
    }
  }

  async get(url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const res = await this.app.inject({ method: 'GET', url, remoteAddress: this.ip, headers: { cookie: this.cookieHeader(), ...headers } })
    this.#keep(res)
    return this.#check('GET', url, res)
  }

  async post(url: string, fields: Record<string, string | string[]>, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const body = new URLSearchParams()
    for (const [k, v] of Object.entries(fields)) for (const item of Array.isArray(v) ? v : [v]) body.append(k, item)
    const res = await this.app.inject({
      method: 'POST',
      url,
      remoteAddress: this.ip,
      payload: body.toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: this.cookieHeader(), ...headers },
    })
    this.#keep(res)
    return this.#check('POST', url, res)
  }

  /** A JSON API request with this client's cookies (no CSRF token: API writes take JSON only). */
  async json(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    const res = await this.app.inject({
      method,
      url,
      remoteAddress: this.ip,
      headers: { cookie: this.cookieHeader(), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
    })
    this.#keep(res)
    return this.#check(method, url, res)
  }

  /** Loads `pageUrl`, reads its CSRF token, and posts `fields` to `action` (default: the form's own URL). */
  async submit(pageUrl: string, fields: Record<string, string | string[]>, action?: string): Promise<LightMyRequestResponse> {
    const page = await this.get(pageUrl)
    const token = csrfTokenIn(page.body)
    if (!token) throw new Error(`No CSRF token on ${pageUrl} (status ${page.statusCode})`)
    return this.post(action ?? pageUrl.split('?')[0]!, { ...fields, _csrf: token })
  }
}

export function csrfTokenIn(html: string): string | null {
  return /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? null
}

/** Text of the first element matching a simple tag/class pattern, tags stripped. */
export function textOf(html: string): string {
  return html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim()
}

/** Where a redirect sends the browser ('' when it does not). */
export const location = (res: LightMyRequestResponse): string => String(res.headers.location ?? '')

/** The error messages a page shows, as text, for assertion messages. */
export const errorsIn = (res: LightMyRequestResponse): string => (res.body.match(/govuk-error-message[^]*?<\/p>/g) ?? []).join(' ').replace(/<[^>]+>/g, '')
