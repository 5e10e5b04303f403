import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A real local HTTP server serving blog feeds, for the syndication tests: an Atom feed with an ETag (304 when it
 * is unchanged), RSS whose GUIDs change on every request, JSON Feed, a 500, a 503 with Retry-After, malformed XML,
 * a slow answer and a long max-age. The tests change `entries` to publish; `requests` records what was asked.
 */
export interface FeedEntryFixture {
  id: string
  title: string
  link: string
  html: string
  author: string
  published: string
}

export class FeedServer {
  server: Server
  base = ''
  entries: FeedEntryFixture[] = []
  requests: Array<{ path: string; headers: IncomingMessage['headers'] }> = []
  #guidRound = 0

  constructor() {
    this.server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0]!
      this.requests.push({ path, headers: req.headers })
      const send = (status: number, type: string, body: string, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': type, ...headers })
        res.end(body)
      }
      switch (path) {
        case '/blog.atom': {
          const body = this.atom()
          const etag = `"${Buffer.from(body).length}-${this.entries.length}"`
          if (req.headers['if-none-match'] === etag) return send(304, 'application/atom+xml', '', { etag })
          return send(200, 'application/atom+xml', body, { etag, 'last-modified': new Date(0).toUTCString() })
        }
        case '/changing-guids.rss':
          this.#guidRound++
          return send(200, 'application/rss+xml', this.rss(this.#guidRound))
        case '/feed.json':
          return send(200, 'application/feed+json', this.json())
        case '/broken':
          return send(500, 'text/plain', 'Internal error')
        case '/busy':
          return send(503, 'text/plain', 'Busy', { 'retry-after': '7200' })
        case '/long-max-age.atom':
          return send(200, 'application/atom+xml', this.atom(), { 'cache-control': 'public, max-age=10800' })
        case '/malformed':
          return send(200, 'application/rss+xml', '<?xml version="1.0"?><rss version="2.0"><channel><title>Oops</title><item><title>Unclosed')
        case '/slow':
          return void setTimeout(() => send(200, 'application/atom+xml', this.atom()), 2_000)
        case '/redirect-to-blog':
          return send(301, 'text/plain', '', { location: '/blog.atom' })
        default:
          return send(404, 'text/plain', 'Not found')
      }
    })
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve))
    this.base = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
    return this
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  /** Publishes an entry (newest first in the feeds). */
  publish(e: Partial<FeedEntryFixture> & { id: string; title: string }): FeedEntryFixture {
    const entry = { link: `https://blog.example/${e.id}`, html: `<p>${e.title}.</p>`, author: 'Ada Author', published: new Date().toISOString(), ...e }
    this.entries.unshift(entry)
    return entry
  }

  atom(): string {
    const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    const items = this.entries.map((e) => `<entry><id>urn:blog:${e.id}</id><title>${esc(e.title)}</title><link rel="alternate" href="${e.link}"/><published>${e.published}</published><updated>${e.published}</updated><author><name>${esc(e.author)}</name></author><content type="html">${esc(e.html)}</content></entry>`)
    return `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Ada’s team blog</title><id>urn:blog</id><link rel="alternate" href="https://blog.example/"/><updated>${new Date(0).toISOString()}</updated>${items.join('')}</feed>`
  }

  rss(round: number): string {
    const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    const items = this.entries.map((e) => `<item><guid isPermaLink="false">round-${round}-${e.id}</guid><title>${esc(e.title)}</title><link>${e.link}</link><pubDate>${new Date(e.published).toUTCString()}</pubDate><description>${esc(e.html)}</description></item>`)
    return `<?xml version="1.0"?><rss version="2.0"><channel><title>Changing GUIDs</title><link>https://blog.example/</link><description>d</description>${items.join('')}</channel></rss>`
  }

  json(): string {
    return JSON.stringify({ version: 'https://jsonfeed.org/version/1.1', title: 'JSON blog', home_page_url: 'https://blog.example/', items: this.entries.map((e) => ({ id: e.id, url: e.link, title: e.title, content_html: e.html, date_published: e.published, authors: [{ name: e.author }] })) })
  }
}
