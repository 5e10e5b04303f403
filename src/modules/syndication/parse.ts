import { parseFeed } from 'feedsmith'

/**
 * Reading a feed's text with feedsmith (RSS, Atom, RDF and JSON Feed, maintained, typed) into the few things
 * Openly keeps of each entry. An entry's key is its GUID (RSS guid, Atom id, JSON Feed id), else its link:
 * the import is de-duplicated by key and by link, so a feed that changes its GUIDs does not import twice.
 */

export interface FeedEntry {
  key: string
  link: string
  title: string
  html: string
  author: string
  /** ISO time; the time it was read when the feed gives none or a bad one. */
  publishedAt: string
}

export interface ParsedFeed {
  title: string
  siteUrl: string
  entries: FeedEntry[]
}

const text = (v: unknown): string => {
  if (typeof v === 'string') return v
  if (v && typeof v === 'object' && 'value' in v) return text((v as { value: unknown }).value)
  return ''
}

function isoOf(value: unknown, fallback: string): string {
  const t = Date.parse(text(value))
  return Number.isNaN(t) ? fallback : new Date(t).toISOString()
}

function absolute(link: string, base: string): string {
  try {
    const u = new URL(link, base)
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.toString() : ''
  } catch {
    return ''
  }
}

const plain = (s: string) => s.replace(/<[^>]*>/g, '').replace(/\s+/g, ' ').trim()
const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/** Parses a feed; throws with a reader's message when it is not RSS, Atom or JSON Feed. */
export function parseFeedText(body: string, feedUrl: string, readAt = new Date().toISOString()): ParsedFeed {
  let parsed: ReturnType<typeof parseFeed>
  try {
    parsed = parseFeed(body)
  } catch (err) {
    throw new Error(`This is not an RSS, Atom or JSON feed we can read (${err instanceof Error ? err.message : 'unreadable'})`)
  }
  const entries: FeedEntry[] = []
  const push = (e: { key: string; link: string; title: string; html: string; author: string; published: unknown }, siteUrl: string) => {
    const link = absolute(e.link, siteUrl || feedUrl)
    const key = (e.key || link).slice(0, 500)
    if (!key || !link) return // nothing to credit or de-duplicate by
    entries.push({ key, link, title: plain(e.title).slice(0, 300), html: e.html, author: plain(e.author).slice(0, 200), publishedAt: isoOf(e.published, readAt) })
  }
  switch (parsed.format) {
    case 'rss': {
      const f = parsed.feed
      const site = absolute(text(f.link), feedUrl)
      for (const i of f.items ?? []) {
        const content = text((i as { content?: { encoded?: string } }).content?.encoded) || text(i.description)
        push({ key: text(i.guid), link: text(i.link), title: text(i.title), html: content, author: (i.authors ?? []).map((a) => text((a as { name?: string }).name) || text(a)).join(', ') || text((i as { dc?: { creator?: string } }).dc?.creator), published: i.pubDate }, site)
      }
      return { title: plain(text(f.title)), siteUrl: site, entries }
    }
    case 'atom': {
      const f = parsed.feed
      const site = absolute(text((f.links ?? []).find((l) => !l.rel || l.rel === 'alternate')?.href), feedUrl)
      for (const e of f.entries ?? []) {
        const link = (e.links ?? []).find((l) => !l.rel || l.rel === 'alternate')?.href ?? ''
        const content = e.content ? (e.content.type === 'text' ? `<p>${escape(text(e.content))}</p>` : text(e.content)) : text(e.summary)
        push({ key: text(e.id), link: text(link), title: text(e.title), html: content, author: (e.authors ?? f.authors ?? []).map((a) => text(a.name)).join(', '), published: e.published ?? e.updated }, site)
      }
      return { title: plain(text(f.title)), siteUrl: site, entries }
    }
    case 'json': {
      const f = parsed.feed
      const site = absolute(text(f.home_page_url), feedUrl)
      for (const i of f.items ?? []) {
        const html = text(i.content_html) || (text(i.content_text) ? `<p>${escape(text(i.content_text))}</p>` : '')
        push({ key: text(i.id), link: text(i.url), title: text(i.title), html, author: (i.authors ?? f.authors ?? []).map((a) => text(a.name)).join(', '), published: i.date_published ?? i.date_modified }, site)
      }
      return { title: plain(text(f.title)), siteUrl: site, entries }
    }
    case 'rdf': {
      const f = parsed.feed
      const site = absolute(text(f.link), feedUrl)
      for (const i of f.items ?? []) push({ key: text(i.link), link: text(i.link), title: text(i.title), html: text(i.description), author: '', published: (i as { dc?: { date?: string } }).dc?.date }, site)
      return { title: plain(text(f.title)), siteUrl: site, entries }
    }
  }
  throw new Error('This is not an RSS, Atom or JSON feed we can read')
}
