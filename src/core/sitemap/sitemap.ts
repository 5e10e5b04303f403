import type { Db } from '../db/database.ts'

/**
 * The sitemap as an index of bounded parts (the format allows 50,000 URLs per file; crawlers fetch the parts
 * they need). Each module lists what an anonymous reader may see as sources; a source that grows with the data
 * is cut into key ranges, so one part's query reads one indexed range and at most PART_SIZE rows, whatever the
 * size of the site. The ranges live in each process, read again in the background at most every few minutes:
 * the index holds only part addresses, never content, so a stale index shows nobody anything they may not see.
 */
export interface SitemapUrl {
  path: string
  updated?: string
}

/** Keys in [from, to) (null: open), in key order, at most `limit` of them. */
export interface SitemapRange {
  from: string | null
  to: string | null
  limit: number
}

export interface SitemapSource {
  /** Names the source in part addresses: lowercase letters and hyphens, unique across modules. */
  name: string
  /** What an anonymous reader may see in the range (a source without keyAfter gets the open range). */
  urls(db: Db, range: SitemapRange): Promise<SitemapUrl[]>
  /**
   * For a source that grows with the data: the key of the `step`th row an anonymous reader may see after
   * `after` (null: from the start), or null when fewer remain. Keys must be harmless to show anonymous readers
   * even after their row is hidden (publication times, not ids or slugs). Without it the source is one part.
   */
  keyAfter?(db: Db, after: string | null, step: number): Promise<string | null>
}

/** URLs per part: well under the format's 50,000, so rebuilding one part stays a few milliseconds. */
export const PART_SIZE = 10_000
/** The format's limit per file, which no part may pass (a source without keyAfter must stay well under it). */
export const MAX_URLS = 50_000
/** How long a process keeps a source's ranges before reading them again (in the background). */
const RANGES_TTL_MS = 5 * 60_000
/** A full part asks for new ranges at most this often (the last part is often exactly full). */
const GREW_RETRY_MS = 60_000

export interface Part {
  source: string
  from: string | null
  to: string | null
}

/** Each source's ranges, kept per process and read again in the background once old. */
export class SitemapRanges {
  #sources: SitemapSource[]
  #db: Db
  #ranges = new Map<string, { parts: Part[]; readAt: number }>()
  #reading = new Map<string, Promise<Part[]>>()
  readonly partSize: number
  /** Reports a failed background read (the ranges known so far stay in use). */
  onError: (err: unknown) => void = () => {}

  constructor(db: Db, sources: SitemapSource[], partSize = PART_SIZE) {
    this.#db = db
    this.#sources = sources
    this.partSize = partSize
  }

  source(name: string): SitemapSource | undefined {
    return this.#sources.find((s) => s.name === name)
  }

  /** Every part of every source, in order: known ranges at once (refreshed behind the scenes when old). */
  async parts(now = Date.now()): Promise<Part[]> {
    const lists = await Promise.all(
      this.#sources.map(async (s) => {
        if (!s.keyAfter) return [{ source: s.name, from: null, to: null }]
        const known = this.#ranges.get(s.name)
        if (!known) return this.#read(s)
        if (now - known.readAt > RANGES_TTL_MS) void this.#read(s).catch(this.onError)
        return known.parts
      }),
    )
    return lists.flat()
  }

  /** A part came back full: its range may have grown past the part size, so cut the source again (in the background, at most once a minute). */
  grew(name: string, now = Date.now()): void {
    const s = this.source(name)
    const known = this.#ranges.get(name)
    if (s?.keyAfter && (!known || now - known.readAt > GREW_RETRY_MS)) void this.#read(s).catch(this.onError)
  }

  /** Walks the source's keys a part at a time: one indexed query per part, run only when ranges are read. */
  #read(s: SitemapSource): Promise<Part[]> {
    const running = this.#reading.get(s.name)
    if (running) return running
    const reading = (async () => {
      const cuts: string[] = []
      for (let key = await s.keyAfter!(this.#db, null, this.partSize); key !== null; key = await s.keyAfter!(this.#db, key, this.partSize)) {
        // The key after which the next part starts: parts are [previous cut, this cut), the cut itself in the next.
        cuts.push(key)
      }
      const bounds = [null, ...cuts, null]
      const parts = bounds.slice(0, -1).map((from, i) => ({ source: s.name, from, to: bounds[i + 1]! }))
      this.#ranges.set(s.name, { parts, readAt: Date.now() })
      return parts
    })().finally(() => this.#reading.delete(s.name))
    this.#reading.set(s.name, reading)
    return reading
  }
}

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/** The address of a part: /sitemap.xml with the source and its range in the query. */
export function partPath(part: Part): string {
  const q = new URLSearchParams({ part: part.source })
  if (part.from !== null) q.set('from', part.from)
  if (part.to !== null) q.set('to', part.to)
  return `/sitemap.xml?${q}`
}

export function indexXml(baseUrl: string, parts: Part[]): string {
  const items = parts.map((p) => `<sitemap><loc>${escapeXml(baseUrl + partPath(p))}</loc></sitemap>`)
  return `<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${items.join('')}</sitemapindex>\n`
}

export function urlsetXml(baseUrl: string, urls: SitemapUrl[]): string {
  const items = urls.map((u) => `<url><loc>${escapeXml(baseUrl + u.path)}</loc>${u.updated ? `<lastmod>${u.updated}</lastmod>` : ''}</url>`)
  return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">${items.join('')}</urlset>\n`
}
