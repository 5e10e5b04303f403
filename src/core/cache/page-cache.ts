import { LRUCache } from 'lru-cache'
import type { SharedPage } from './shared.ts'

/**
 * Whole-page cache for anonymous readers (rendering, not the database, is the cost of a page).
 *
 * Safe by construction: only anonymous GET responses of routes that opt in are stored (see plugin.ts), so it
 * holds only what an anonymous reader may see, and nothing outlives a change of what they may see:
 * - Writes say what they changed (`changed(topics)`, topics such as 'posts' or 'space:<id>', or '*' for
 *   everything). Each entry remembers the versions of the topics its page shows (or of everything), taken
 *   when its rendering started, and is void as soon as one moves on; a write during a rendering therefore
 *   voids that rendering too.
 * - Scheduled publications become visible without a write, so no entry outlives the next scheduled time.
 *   When that time passes, or after a write (which may have scheduled something), the next one is read again:
 *   once per passing or write, not per request; nothing is stored until it is known.
 * - With PostgreSQL and several processes, every change is broadcast (listen.ts) and each process re-reads the
 *   next scheduled time itself. While the broadcast channel is down the cache is suspended.
 * Bounded by bytes and entries (a maintained LRU). Keys with a query string are admitted only on their
 * second request, so one-off query strings cannot evict the pages people actually read; and they have a share of the
 * bound of their own (QUERIED_SHARE), so query strings made up and each asked twice (a search per random word) can only
 * evict one another, never the pages without one (home, lists, project pages, feeds).
 */
export type Topics = readonly string[] | '*'

/**
 * The topic of every change at all, anonymous readers' or not: pages shared between signed-in readers (shared.ts)
 * depend on it, since they show what anonymous readers do not (signed-in spaces) and are voided by any write.
 */
export const READERS_TOPIC = 'signed-in-readers'

/**
 * The topic of a change in a members-only space (`members:<space id>`): only pages shared between readers whose
 * standing includes that space (a membership of any role or state) may show it (decision 0034).
 */
export const membersTopic = (spaceId: string): string => `members:${spaceId}`
const MEMBERS = 'members:'

export interface PageCacheOptions {
  /** The next time (ISO) something becomes visible after `asOf`, or null: read from the database. */
  loadNextScheduled: (asOf: string) => Promise<string | null>
  /** Logs a failed read of the next scheduled time (the cache stays off until a read succeeds). */
  onError?: (err: unknown) => void
  /** Its bound in bytes: config's pageCacheBytes (PAGE_CACHE_MB). */
  maxBytes: number
  maxEntries?: number
  /** A safety net for changes made outside the application (an operator's SQL): entries live at most this long. */
  ttlMs?: number
  /** Keys with a query string seen once, remembered for admission on a second request. */
  maxSeenKeys?: number
}

/** What a rendering depends on, taken when it starts. */
export interface Stamp {
  at: number
  everything: number
  generation: number
  /** null: the page may show anything, so any change voids it. */
  topics: readonly string[] | null
  versions: number[]
  /** For a page shared between signed-in readers: the count of writes all signed-in readers may see (READERS_TOPIC). */
  readers?: number
  /** For a shared page: the members-only spaces of the readers' standing, and their versions (membersTopic). */
  spaces?: readonly string[]
  spaceVersions?: number[]
}

export interface CachedPage {
  body: Buffer
  /** The body compressed once when stored (compressed.ts), or null for what is not worth compressing. */
  compressed: Record<'br' | 'gzip', Buffer> | null
  /** Every header a hit sends, computed once when the page was stored. */
  headers: Record<string, string | number | string[]>
  /** Headers of a 304 answer to a matching If-None-Match (feeds carry an ETag). */
  notModified: Record<string, string | number | string[]> | null
  etag: string | null
  /** The Last-Modified it was sent with (feeds), for If-Modified-Since. */
  lastModified?: Date
  expiresAt: number
  stamp: Stamp
  /** A page shared between plain signed-in readers (shared.ts): its text, cut where each reader's parts go. */
  shared?: SharedPage
}

/** The share of the bytes and entries that pages under a key with a query string (searches, filters, later pages) may hold. */
export const QUERIED_SHARE = 0.25

/** How long an entry may live after a failed read of the schedule before it is tried again. */
const RETRY_MS = 1000

export class PageCache {
  /** Pages under a key without a query string. */
  #pages: LRUCache<string, CachedPage>
  /** Pages under a key with one, in their own share of the bound. */
  #queried: LRUCache<string, CachedPage>
  #seenOnce: LRUCache<string, true>
  #ttlMs: number
  #load: PageCacheOptions['loadNextScheduled']
  #onError: (err: unknown) => void
  /** Moves on when everything changes. */
  #everything = 0
  /** Moves on with every change of anything. */
  #generation = 0
  #topicVersions = new Map<string, number>()
  /** Moves on with every write signed-in readers of any standing may see (READERS_TOPIC). */
  #readers = 0
  /** Versions of members-only spaces, moved by writes in them (membersTopic). */
  #memberSpaces = new Map<string, number>()
  /** Epoch ms of the next scheduled publication (Infinity: none), valid only while #scheduleKnown. */
  #nextScheduled = Infinity
  #scheduleKnown = false
  /** The time the known schedule was read as of: a rendering that started earlier may have seen an older world. */
  #scheduleAsOf = 0
  #readSeq = 0
  #reads = 0
  #reading: Promise<void> | null = null
  #retryAt = 0
  #suspended = false
  /** Called for each local change, so other processes hear of it (listen.ts). */
  onChange: ((topics: Topics) => void) | null = null

  constructor(options: PageCacheOptions) {
    this.#load = options.loadNextScheduled
    this.#onError = options.onError ?? (() => {})
    this.#ttlMs = options.ttlMs ?? 5 * 60_000
    // The body plus a rough allowance for the headers and bookkeeping.
    const sizeCalculation = (page: CachedPage, key: string) =>
      page.body.length + (page.compressed ? page.compressed.br.length + page.compressed.gzip.length : 0) + (page.shared ? page.shared.pieces.reduce((n, p) => n + p.length, 0) : 0) + key.length + 1024
    const entries = options.maxEntries ?? 5000
    const share = (n: number) => Math.max(1, Math.floor(n * QUERIED_SHARE))
    this.#pages = new LRUCache<string, CachedPage>({ max: Math.max(1, entries - share(entries)), maxSize: Math.max(1, options.maxBytes - share(options.maxBytes)), sizeCalculation })
    this.#queried = new LRUCache<string, CachedPage>({ max: share(entries), maxSize: share(options.maxBytes), sizeCalculation })
    this.#seenOnce = new LRUCache<string, true>({ max: options.maxSeenKeys ?? 10_000 })
    void this.#readSchedule()
  }

  /** A stored page still valid now, or undefined. */
  get(key: string, now = Date.now()): CachedPage | undefined {
    if (this.#suspended) return undefined
    const pages = this.#lruOf(key)
    const page = pages.get(key)
    if (!page) return undefined
    if (now >= page.expiresAt || !this.#current(page.stamp)) {
      pages.delete(key)
      return undefined
    }
    return page
  }

  /** Taken when a rendering starts: what it depends on (null topics: everything). */
  stamp(topics: readonly string[] | null, now = Date.now()): Stamp {
    // The first request after the scheduled time notices it passed and reads the next one, once.
    if (this.#scheduleKnown && now >= this.#nextScheduled) void this.#readSchedule()
    else if (!this.#scheduleKnown && !this.#reading && now >= this.#retryAt) void this.#readSchedule()
    return { at: now, everything: this.#everything, generation: this.#generation, topics, versions: topics ? topics.map((t) => this.#topicVersions.get(t) ?? 0) : [] }
  }

  /**
   * The stamp of a page shared between signed-in readers of a standing with these spaces: voided by any change
   * anonymous readers see, any write all signed-in readers see, and any write in one of these spaces.
   */
  readersStamp(spaces: readonly string[] = [], now = Date.now()): Stamp {
    return { ...this.stamp(null, now), readers: this.#readers, spaces, spaceVersions: spaces.map((s) => this.#memberSpaces.get(s) ?? 0) }
  }

  /**
   * Stores a rendering if nothing it depends on changed since its stamp and the next scheduled time is known
   * as of its start (else it may have missed, or would outlive, a scheduled publication). Returns whether stored.
   */
  store(key: string, stamp: Stamp, page: Omit<CachedPage, 'expiresAt' | 'stamp'>, now = Date.now()): boolean {
    if (this.#suspended || !this.#current(stamp)) return false
    if (!this.#scheduleKnown || this.#scheduleAsOf > stamp.at) return false
    const expiresAt = Math.min(stamp.at + this.#ttlMs, this.#nextScheduled)
    if (now >= expiresAt) return false
    if (key.includes('?') && !this.#seenOnce.has(key)) {
      this.#seenOnce.set(key, true)
      return false
    }
    this.#seenOnce.delete(key)
    this.#lruOf(key).set(key, { ...page, expiresAt, stamp })
    return true
  }

  /**
   * Whether a rendering under `key` would pass admission now: a key with a query string is kept on its second
   * rendering. On a first one it is remembered, as store's refusal does, so a caller can skip preparing a page to
   * store (core/cache/shared.ts: a search nobody asked before) and the next rendering of that key is kept.
   */
  admits(key: string): boolean {
    if (!key.includes('?') || this.#seenOnce.has(key)) return true
    this.#seenOnce.set(key, true)
    return false
  }

  /** Adds its compressed bodies to a stored page, if that page is still the one stored (see compressed.ts). */
  attachCompressed(key: string, body: Buffer, compressed: Record<'br' | 'gzip', Buffer>, shared?: SharedPage): void {
    const pages = this.#lruOf(key)
    const page = pages.peek(key)
    if (page && page.body === body && page.shared === shared) pages.set(key, { ...page, compressed })
  }

  /**
   * Something anonymous readers may see changed: drops the pages that show it (all of them for '*') and
   * re-reads the next scheduled time (the change may have scheduled something); resolves when that is read.
   * `broadcast` tells other processes.
   */
  changed(topics: Topics, broadcast = true): Promise<void> {
    if (topics !== '*' && topics.length === 0) return Promise.resolve()
    if (topics === '*') {
      this.#readers++
      this.#generation++
      this.#everything++
      this.#clear()
    } else {
      // A write only signed-in readers may see (READERS_TOPIC, members-only spaces) keeps every anonymous page.
      if (topics.includes(READERS_TOPIC)) this.#readers++
      for (const t of topics) if (t.startsWith(MEMBERS)) this.#memberSpaces.set(t.slice(MEMBERS.length), (this.#memberSpaces.get(t.slice(MEMBERS.length)) ?? 0) + 1)
      const anonymous = topics.filter((t) => t !== READERS_TOPIC && !t.startsWith(MEMBERS))
      if (anonymous.length) this.#generation++
      for (const t of anonymous) this.#topicVersions.set(t, (this.#topicVersions.get(t) ?? 0) + 1)
    }
    const reading = this.#readSchedule()
    if (broadcast) this.onChange?.(topics)
    return reading
  }

  /** Everything may have changed (e.g. rows written directly in a test or a script): drops every page. */
  invalidate(broadcast = true): Promise<void> {
    return this.changed('*', broadcast)
  }

  /** Serves and stores nothing until resume(): used while this process cannot hear other processes' changes. */
  suspend(): void {
    this.#suspended = true
    this.#clear()
  }

  /** Serves again, from nothing: changes may have been missed while suspended. */
  resume(): void {
    this.#suspended = false
    void this.changed('*', false)
  }

  /** Resolves when the next scheduled time has been read (for tests and orderly shutdown). */
  async settled(): Promise<void> {
    while (this.#reading) await this.#reading
  }

  /** How many times the next scheduled time has been read: once per change and per passing, never per request. */
  get scheduleReads(): number {
    return this.#reads
  }

  /** True while the cache serves nothing (see suspend()). */
  get suspended(): boolean {
    return this.#suspended
  }

  /** What the stored pages hold by the cache's own measure (bodies, compressed bodies, pieces), in bytes. */
  get bytes(): number {
    return this.#pages.calculatedSize + this.#queried.calculatedSize
  }

  get size(): number {
    return this.#pages.size + this.#queried.size
  }

  /** Every stored page, valid or not yet dropped (for tests and memory probes: what the cache holds). */
  *stored(): IterableIterator<CachedPage> {
    yield* this.#pages.values()
    yield* this.#queried.values()
  }

  #lruOf(key: string): LRUCache<string, CachedPage> {
    return key.includes('?') ? this.#queried : this.#pages
  }

  #clear(): void {
    this.#pages.clear()
    this.#queried.clear()
  }

  /** The next scheduled publication as this process knows it (epoch ms, Infinity for none; null while unknown). */
  get nextScheduled(): number | null {
    return this.#scheduleKnown ? this.#nextScheduled : null
  }

  #current(stamp: Stamp): boolean {
    if (stamp.everything !== this.#everything) return false
    if (stamp.readers !== undefined && stamp.readers !== this.#readers) return false
    if (stamp.spaces) for (let i = 0; i < stamp.spaces.length; i++) if ((this.#memberSpaces.get(stamp.spaces[i]!) ?? 0) !== stamp.spaceVersions![i]) return false
    if (stamp.topics === null) return stamp.generation === this.#generation
    for (let i = 0; i < stamp.topics.length; i++) if ((this.#topicVersions.get(stamp.topics[i]!) ?? 0) !== stamp.versions[i]) return false
    return true
  }

  /** Reads the next scheduled time; a newer read supersedes an older one still running. Never rejects. */
  #readSchedule(): Promise<void> {
    const seq = ++this.#readSeq
    this.#reads++
    const asOf = Date.now()
    this.#scheduleKnown = false
    const reading = this.#load(new Date(asOf).toISOString()).then(
      (iso) => {
        if (seq !== this.#readSeq) return
        this.#nextScheduled = iso ? Date.parse(iso) : Infinity
        this.#scheduleAsOf = asOf
        this.#scheduleKnown = true
      },
      (err: unknown) => {
        if (seq !== this.#readSeq) return
        this.#retryAt = Date.now() + RETRY_MS
        this.#onError(err)
      },
    )
    this.#reading = reading.finally(() => {
      if (seq === this.#readSeq) this.#reading = null
    })
    return this.#reading
  }
}
