/** True for a unique-constraint violation on either database (two requests racing to insert the same key). */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string; errcode?: number }
  return e?.code === '23505' || /UNIQUE constraint failed/i.test(e?.message ?? '')
}

/** Why the database cannot serve a request just now: not the request's fault, so a 503 (try again later). */
export type Unavailability = 'unreachable' | 'read-only' | 'full'

const NODE_NETWORK_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH'])
// SQLite's primary result codes (node:sqlite gives the extended code in `errcode`; the low byte is the primary one).
const SQLITE_BUSY = 5
const SQLITE_LOCKED = 6
const SQLITE_READONLY = 8
const SQLITE_IOERR = 10
const SQLITE_FULL = 13
const SQLITE_CANTOPEN = 14

/**
 * Classifies an error as the database being away, read-only or full (null for anything else): a PostgreSQL
 * server restarting, failing over or refusing connections, a connection cut, a read-only transaction or replica,
 * a full disk; SQLite's read-only, full, I/O, locked and cannot-open errors.
 */
export function databaseUnavailable(err: unknown): Unavailability | null {
  const e = err as { code?: unknown; errcode?: unknown; message?: unknown } | null
  if (!e || typeof e !== 'object') return null
  const code = typeof e.code === 'string' ? e.code : ''
  const message = typeof e.message === 'string' ? e.message : ''
  if (code === 'ERR_SQLITE_ERROR' && typeof e.errcode === 'number') {
    const primary = e.errcode & 0xff
    if (primary === SQLITE_READONLY) return 'read-only'
    if (primary === SQLITE_FULL || primary === SQLITE_IOERR) return 'full'
    if (primary === SQLITE_CANTOPEN || primary === SQLITE_BUSY || primary === SQLITE_LOCKED) return 'unreachable'
    return null
  }
  if (code === '25006') return 'read-only'
  if (code === '53100' || code.startsWith('58')) return 'full'
  if (code.startsWith('08') || code.startsWith('57P') || code.startsWith('53') || NODE_NETWORK_ERRORS.has(code)) return 'unreachable'
  if (/^Connection terminated|timeout exceeded when trying to connect|not queryable|Connection refused/i.test(message)) return 'unreachable'
  return null
}
