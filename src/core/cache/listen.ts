import { randomUUID } from 'node:crypto'
import type { FastifyBaseLogger } from 'fastify'
import type pg from 'pg'
import type { PageCache, Topics } from './page-cache.ts'

const CHANNEL = 'openly_cache'
const FIRST_RETRY_MS = 500
const LAST_RETRY_MS = 30_000

/** A change as broadcast: who made it (so the sender ignores its own) and what changed. */
interface Change {
  from: string
  topics: Topics
}

/** Anything unexpected (an older process's bare id, a malformed payload) counts as "everything changed". */
function parseChange(payload: string | undefined): Change | null {
  try {
    const value = JSON.parse(payload ?? '') as Partial<Change>
    if (typeof value.from !== 'string') return null
    if (value.topics === '*' || (Array.isArray(value.topics) && value.topics.every((t) => typeof t === 'string'))) return { from: value.from, topics: value.topics }
    return { from: value.from, topics: '*' }
  } catch {
    return null
  }
}

/**
 * PostgreSQL with several processes: every change to the cache is sent with NOTIFY, and every other process
 * drops the same pages and re-reads the next scheduled time (PageCache.changed). A process that cannot listen
 * (server restart, fail-over, an idle connection terminated) would miss other processes' writes, so its cache
 * is suspended until it listens again; it reconnects by itself, with backoff.
 */
export async function listenForChanges(pool: pg.Pool, cache: PageCache, log: FastifyBaseLogger): Promise<{ close(): Promise<void> }> {
  const me = randomUUID()
  let client: pg.PoolClient | null = null
  let closed = false
  let retryMs = FIRST_RETRY_MS
  let timer: NodeJS.Timeout | null = null

  const onNotification = (message: pg.Notification) => {
    if (message.channel !== CHANNEL) return
    const change = parseChange(message.payload)
    if (change?.from === me) return
    cache.changed(change?.topics ?? '*', false)
  }

  const lost = (lostClient: pg.PoolClient, err?: Error) => {
    if (client !== lostClient) return
    client = null
    lostClient.release(true)
    if (closed) return
    log.warn({ err }, 'page cache: the LISTEN connection was lost; the cache is off until it is back')
    cache.suspend()
    retry()
  }

  const retry = () => {
    timer = setTimeout(() => {
      timer = null
      connect().then(
        () => {
          if (closed) return
          retryMs = FIRST_RETRY_MS
          cache.resume()
          log.info('page cache: listening again; the cache is back on')
        },
        (err: unknown) => {
          if (closed) return
          log.warn({ err }, `page cache: LISTEN failed, retrying in ${retryMs} ms`)
          retryMs = Math.min(retryMs * 2, LAST_RETRY_MS)
          retry()
        },
      )
    }, retryMs)
    timer.unref()
  }

  const connect = async () => {
    const c = await pool.connect()
    // Without an 'error' handler a dropped connection would end the process.
    c.on('error', (err) => lost(c, err))
    c.on('end', () => lost(c))
    c.on('notification', onNotification)
    try {
      await c.query(`LISTEN ${CHANNEL}`)
    } catch (err) {
      c.release(true)
      throw err
    }
    if (closed) {
      c.release(true)
      return
    }
    client = c
  }

  await connect()
  cache.onChange = (topics) => {
    const change: Change = { from: me, topics }
    pool.query('select pg_notify($1, $2)', [CHANNEL, JSON.stringify(change)]).catch((err: unknown) => log.warn({ err }, 'page cache: NOTIFY failed'))
  }
  return {
    async close() {
      closed = true
      if (timer) clearTimeout(timer)
      const c = client
      client = null
      c?.release(true)
    },
  }
}
