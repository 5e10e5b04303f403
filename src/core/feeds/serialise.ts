/**
 * RSS 2.0, Atom 1.0 and JSON Feed 1.1, written directly rather than through the `feed` library: it
 * emits JSON Feed 1.0 (one `author`, no `language`), adds RSS `<author>` with a name where RSS wants an
 * e-mail address, and wraps already-escaped titles in CDATA (newsboat showed “&amp;”). Each format is a
 * small, fixed shape; writing it here keeps every detail a feed reader relies on in one readable file.
 */

export interface FeedAuthor {
  name: string
  /** Absolute URL of their profile, when it is public. */
  url?: string
}

export interface FeedEntry {
  /** Stable, absolute id (the item's canonical URL). */
  id: string
  /** Plain text: escaped here once for XML, never HTML-escaped before. */
  title: string
  link: string
  /** Sanitised HTML whose links are already absolute (see `absoluteLinks`). */
  contentHtml: string
  /** Plain text. */
  summary?: string
  published: string
  updated: string
  authors: FeedAuthor[]
  tags?: string[]
}

export interface FeedDocument {
  title: string
  description: string
  /** Absolute URL of the HTML page the feed mirrors. */
  link: string
  /** Absolute URLs of this feed in each format. */
  self: { rss: string; atom: string; json: string }
  /** BCP 47 language of the feed's text. */
  language: string
  /** Absolute URL of the site's icon. */
  icon?: string
  items: FeedEntry[]
}

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

/** The latest update of any item, or the epoch for an empty feed (a stable value keeps the ETag stable). */
export function lastUpdated(doc: FeedDocument): string {
  return doc.items.reduce((max, i) => (i.updated > max ? i.updated : max), '1970-01-01T00:00:00.000Z')
}

/**
 * Makes links and images in HTML absolute against `base`: feed readers show content away from the site,
 * where `/posts/x` or `/uploads/…` would point nowhere. Sanitised HTML always double-quotes attributes.
 */
export function absoluteLinks(html: string, base: string): string {
  return html.replace(/\b(href|src)="\/(?!\/)/g, `$1="${base}/`)
}

/** RSS 2.0 with one atom:link rel=self, authors as dc:creator (RSS's own <author> must be an e-mail address). */
export function toRss(doc: FeedDocument): string {
  const items = doc.items.map((i) =>
    [
      '<item>',
      `<title>${xml(i.title)}</title>`,
      `<link>${xml(i.link)}</link>`,
      `<guid isPermaLink="true">${xml(i.id)}</guid>`,
      `<pubDate>${new Date(i.published).toUTCString()}</pubDate>`,
      ...i.authors.map((a) => `<dc:creator>${xml(a.name)}</dc:creator>`),
      ...(i.tags ?? []).map((t) => `<category>${xml(t)}</category>`),
      i.summary ? `<description>${xml(i.summary)}</description>` : '',
      `<content:encoded>${xml(i.contentHtml)}</content:encoded>`,
      '</item>',
    ].filter(Boolean).join('\n'),
  )
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">',
    '<channel>',
    `<title>${xml(doc.title)}</title>`,
    `<link>${xml(doc.link)}</link>`,
    `<description>${xml(doc.description)}</description>`,
    `<language>${xml(doc.language)}</language>`,
    `<lastBuildDate>${new Date(lastUpdated(doc)).toUTCString()}</lastBuildDate>`,
    '<generator>Openly</generator>',
    `<atom:link href="${xml(doc.self.rss)}" rel="self" type="application/rss+xml"/>`,
    ...items,
    '</channel>',
    '</rss>',
    '',
  ].join('\n')
}

/** Atom 1.0 with xml:lang, a self link and every author of every entry. */
export function toAtom(doc: FeedDocument): string {
  const person = (a: FeedAuthor) => `<author><name>${xml(a.name)}</name>${a.url ? `<uri>${xml(a.url)}</uri>` : ''}</author>`
  const entries = doc.items.map((i) =>
    [
      '<entry>',
      `<id>${xml(i.id)}</id>`,
      `<title type="text">${xml(i.title)}</title>`,
      `<link rel="alternate" type="text/html" href="${xml(i.link)}"/>`,
      `<published>${new Date(i.published).toISOString()}</published>`,
      `<updated>${new Date(i.updated).toISOString()}</updated>`,
      ...i.authors.map(person),
      ...(i.tags ?? []).map((t) => `<category term="${xml(t)}"/>`),
      i.summary ? `<summary type="text">${xml(i.summary)}</summary>` : '',
      `<content type="html">${xml(i.contentHtml)}</content>`,
      '</entry>',
    ].filter(Boolean).join('\n'),
  )
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${xml(doc.language)}">`,
    `<id>${xml(doc.link)}</id>`,
    `<title type="text">${xml(doc.title)}</title>`,
    `<subtitle type="text">${xml(doc.description)}</subtitle>`,
    `<updated>${new Date(lastUpdated(doc)).toISOString()}</updated>`,
    `<link rel="alternate" type="text/html" href="${xml(doc.link)}"/>`,
    `<link rel="self" type="application/atom+xml" href="${xml(doc.self.atom)}"/>`,
    doc.icon ? `<icon>${xml(doc.icon)}</icon>` : '',
    '<generator>Openly</generator>',
    '<rights>Content by its authors</rights>',
    ...entries,
    '</feed>',
    '',
  ].filter(Boolean).join('\n')
}

/** JSON Feed 1.1 (https://jsonfeed.org/version/1.1): `authors` with every co-author, `language`. */
export function toJsonFeed(doc: FeedDocument): string {
  const author = (a: FeedAuthor) => (a.url ? { name: a.name, url: a.url } : { name: a.name })
  return JSON.stringify({
    version: 'https://jsonfeed.org/version/1.1',
    title: doc.title,
    home_page_url: doc.link,
    feed_url: doc.self.json,
    description: doc.description,
    language: doc.language,
    ...(doc.icon ? { favicon: doc.icon } : {}),
    items: doc.items.map((i) => ({
      id: i.id,
      url: i.link,
      title: i.title,
      content_html: i.contentHtml,
      ...(i.summary ? { summary: i.summary } : {}),
      date_published: new Date(i.published).toISOString(),
      date_modified: new Date(i.updated).toISOString(),
      ...(i.authors.length ? { authors: i.authors.map(author) } : {}),
      ...(i.tags?.length ? { tags: i.tags } : {}),
    })),
  })
}
