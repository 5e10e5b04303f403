/**
 * Whole-page cache for anonymous readers (rendering, not the database, is the cost of a page).
 *
 * Safe by construction: only anonymous GET responses of routes that opt in are stored, and any
 * successful write anywhere empties it (one version counter for the whole site), so a change of
 * visibility, a hidden post or a new comment is seen at once. Scheduled posts become visible without
 * a write, so entries never outlive the next scheduled publication time. With PostgreSQL and several
 * processes, `invalidate` is broadcast with NOTIFY (see app.ts).
 */
export interface CachedPage {
  status: number
  headers: Record<string, string>
  body: string
  storedAt: number
}

export class PageCache {
  #entries = new Map<string, CachedPage>()
  #maxEntries: number
  #ttlMs: number
  /** Epoch ms after which everything is stale (next scheduled publication). */
  #staleAfter = Infinity
  version = 0
  onInvalidate: (() => void) | null = null

  constructor(maxEntries = 2000, ttlMs = 5 * 60_000) {
    this.#maxEntries = maxEntries
    this.#ttlMs = ttlMs
  }

  get(key: string): CachedPage | undefined {
    const entry = this.#entries.get(key)
    if (!entry) return undefined
    const t = Date.now()
    if (t - entry.storedAt > this.#ttlMs || t >= this.#staleAfter) {
      this.#entries.delete(key)
      return undefined
    }
    return entry
  }

  set(key: string, page: Omit<CachedPage, 'storedAt'>, version: number): void {
    if (version !== this.version) return // a write happened while rendering
    if (this.#entries.size >= this.#maxEntries) this.#entries.delete(this.#entries.keys().next().value!)
    this.#entries.set(key, { ...page, storedAt: Date.now() })
  }

  /** Drops everything; `broadcast` tells other processes too. */
  invalidate(broadcast = true): void {
    this.version++
    this.#entries.clear()
    if (broadcast) this.onInvalidate?.()
  }

  /** Entries must not outlive this time (ISO string or null for none). */
  setNextScheduled(iso: string | null): void {
    this.#staleAfter = iso ? Date.parse(iso) : Infinity
  }

  get size(): number {
    return this.#entries.size
  }
}
