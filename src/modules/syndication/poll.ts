import type { Db } from '../../core/db/database.ts'
import { newId } from '../../core/db/ids.ts'
import { notify } from '../notifications/notifications.ts'
import { importSyndicatedPost } from '../posts/posts.ts'
import { visibleProjectById } from '../projects/projects.ts'
import { fetchFeed, FeedFetchError } from './fetch.ts'
import { claimItem, dueFeedIds, findFeed, insertItems, queuedItemIds, seenEntries, setItemPost, updateFeed, type FeedRow, type ItemRow } from './syndication.queries.ts'

// Polling a registered feed politely: a conditional GET; the next poll no sooner than an hour, nor than the
// feed's Cache-Control max-age or Retry-After allow; on errors, exponential back-off from 15 minutes to a day;
// after five failures in a row the feed stops and its owner is told. New entries are recorded (unique by
// GUID and by link within the feed), then imported one per transaction.

const MINUTE = 60_000
export const POLL_INTERVAL_MS = 60 * MINUTE
const MAX_INTERVAL_MS = 24 * 60 * MINUTE
const FIRST_BACKOFF_MS = 15 * MINUTE
export const STOP_AFTER_FAILURES = 5

export interface PollSettings {
  allowPrivate: boolean
  timeoutMs?: number
}

export type PollOutcome = 'updated' | 'not_modified' | 'failed' | 'stopped' | 'skipped'

/** Milliseconds a Retry-After header asks for (seconds or an HTTP date), or 0. */
export function retryAfterMs(value: string | null, at: number): number {
  if (!value) return 0
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000
  const t = Date.parse(value)
  return Number.isNaN(t) ? 0 : Math.max(0, t - at)
}

/** The Cache-Control max-age in milliseconds, or 0. */
export function maxAgeMs(value: string | null): number {
  const m = /(?:^|,)\s*(?:s-)?max-age\s*=\s*(\d+)/i.exec(value ?? '')
  return m ? Number(m[1]) * 1000 : 0
}

/** When to poll next after an answer: the polite interval, or longer if the server asks. */
export function nextAfterSuccess(at: number, cacheControl: string | null, retryAfter: string | null): string {
  const wait = Math.min(MAX_INTERVAL_MS, Math.max(POLL_INTERVAL_MS, maxAgeMs(cacheControl), retryAfterMs(retryAfter, at)))
  return new Date(at + wait).toISOString()
}

/** When to try again after the n-th failure in a row: 15 min, 30, 60… up to a day, or what Retry-After asks. */
export function nextAfterFailure(at: number, failures: number, retryAfter: string | null): string {
  const backoff = Math.min(MAX_INTERVAL_MS, FIRST_BACKOFF_MS * 2 ** Math.max(0, failures - 1))
  return new Date(at + Math.max(backoff, Math.min(MAX_INTERVAL_MS, retryAfterMs(retryAfter, at)))).toISOString()
}

/** Polls one feed if it is active; records what is new and imports what is queued. */
export async function pollFeed(db: Db, settings: PollSettings, feedId: string, at = Date.now()): Promise<{ outcome: PollOutcome; added: number; imported: number }> {
  const feed = await findFeed(db, feedId)
  if (!feed || feed.status !== 'active') return { outcome: 'skipped', added: 0, imported: 0 }
  let result
  try {
    result = await fetchFeed(feed.url, { etag: feed.etag, lastModified: feed.last_modified, allowPrivate: settings.allowPrivate, timeoutMs: settings.timeoutMs })
  } catch (err) {
    return failed(db, feed, err instanceof Error ? err.message : 'The feed could not be fetched', null, at, err instanceof FeedFetchError && err.refused)
  }
  const polledAt = new Date(at).toISOString()
  if (result.status === 304) {
    await updateFeed(db, feed.id, { failures: 0, last_error: '', polled_at: polledAt, next_poll_at: nextAfterSuccess(at, result.cacheControl, result.retryAfter), updated_at: polledAt })
    return { outcome: 'not_modified', added: 0, imported: await importQueued(db, feed.id) }
  }
  if (result.status !== 200) return failed(db, feed, `The feed answered HTTP ${result.status}`, result.retryAfter, at, false)
  // feedsmith (3 MB of heap) is loaded with the first feed polled, not at start.
  const { parseFeedText } = await import('./parse.ts')
  let parsed
  try {
    parsed = parseFeedText(result.body, result.url, polledAt)
  } catch (err) {
    return failed(db, feed, (err as Error).message, null, at, false)
  }
  const added = await db.transaction().execute(async (trx) => {
    const entries = parsed.entries
    const seen = await seenEntries(trx, feed.id, entries.map((e) => e.key), entries.map((e) => e.link))
    const keys = new Set(seen.map((s) => s.key))
    const links = new Set(seen.map((s) => s.link))
    const fresh: ItemRow[] = []
    for (const e of entries) {
      // Known by its GUID, or by its link when the feed changed its GUIDs: never recorded twice.
      if (keys.has(e.key) || links.has(e.link)) continue
      keys.add(e.key)
      links.add(e.link)
      // The back catalogue found by the first poll waits for its owner to pick; later entries follow auto_import.
      const later = feed.polled_at !== null && e.publishedAt >= feed.created_at
      fresh.push({ id: newId(), feed_id: feed.id, key: e.key, link: e.link, title: e.title, html: e.html, author: e.author, published_at: e.publishedAt, state: later && Number(feed.auto_import) ? 'queued' : 'new', post_id: null, seen_at: polledAt })
    }
    await insertItems(trx, fresh)
    await updateFeed(trx, feed.id, {
      title: parsed.title.slice(0, 200) || feed.title,
      site_url: parsed.siteUrl || feed.site_url,
      etag: result.etag,
      last_modified: result.lastModified,
      failures: 0,
      last_error: '',
      polled_at: polledAt,
      next_poll_at: nextAfterSuccess(at, result.cacheControl, result.retryAfter),
      updated_at: polledAt,
    })
    return fresh.length
  })
  return { outcome: 'updated', added, imported: await importQueued(db, feed.id) }
}

async function failed(db: Db, feed: FeedRow, message: string, retryAfter: string | null, at: number, refused: boolean): Promise<{ outcome: PollOutcome; added: number; imported: number }> {
  const failures = Number(feed.failures) + 1
  const stop = refused || failures >= STOP_AFTER_FAILURES
  const t = new Date(at).toISOString()
  await db.transaction().execute(async (trx) => {
    await updateFeed(trx, feed.id, { failures, last_error: message.slice(0, 300), polled_at: t, updated_at: t, next_poll_at: nextAfterFailure(at, failures, retryAfter), ...(stop ? { status: 'stopped' as const } : {}) })
    if (stop) {
      const why = refused ? message : `${failures} tries in a row failed (last: ${message})`
      await notify(trx, [{ userId: feed.owner_id, kind: 'feed_stopped', text: `We stopped reading ${feed.title || feed.url}: ${why}. Check the address, then resume it.`, url: `/syndication/${feed.id}`, spaceId: null }])
    }
  })
  return { outcome: stop ? 'stopped' : 'failed', added: 0, imported: 0 }
}

/**
 * Imports a feed's queued entries, each in its own transaction that claims the entry, writes the post and
 * links them: a crash mid-import rolls that one back (it stays queued), so after a restart nothing is lost
 * and nothing is imported twice. `during` runs inside each transaction (the crash test waits there).
 */
export async function importQueued(db: Db, feedId: string, during?: (itemId: string) => Promise<void>): Promise<number> {
  let imported = 0
  for (const id of await queuedItemIds(db, feedId)) {
    const done = await db.transaction().execute(async (trx) => {
      const item = await claimItem(trx, id)
      const feed = item ? await findFeed(trx, item.feed_id) : undefined
      if (!item || !feed) return false
      const actor = { userId: feed.owner_id, isAdmin: false }
      const project = feed.project_id ? await visibleProjectById(trx, actor, feed.project_id) : null
      const post = await importSyndicatedPost(trx, actor, {
        title: item.title,
        html: item.html,
        publishedAt: item.published_at,
        canonicalUrl: item.link,
        sourceName: feed.title || new URL(feed.url).hostname,
        originalAuthor: item.author,
        project: project?.slug ?? '',
      })
      await setItemPost(trx, item.id, post.id)
      if (during) await during(item.id)
      return true
    })
    if (done) imported++
  }
  return imported
}

/** Polls every active feed that is due (what the scheduled job, or an admin's button, runs). */
export async function pollDueFeeds(db: Db, settings: PollSettings, at = Date.now(), limit = 100): Promise<Record<PollOutcome, number>> {
  const counts: Record<PollOutcome, number> = { updated: 0, not_modified: 0, failed: 0, stopped: 0, skipped: 0 }
  for (const id of await dueFeedIds(db, new Date(at).toISOString(), limit)) counts[(await pollFeed(db, settings, id, at)).outcome]++
  return counts
}
