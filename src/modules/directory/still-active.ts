import { createHmac, timingSafeEqual } from 'node:crypto'

/** What a "still active" link names: an entry, the manager it was sent to, and until when it works. */
export interface StillActive {
  kind: 'organisation' | 'project'
  id: string
  userId: string
  /** Milliseconds since the epoch. */
  expires: number
}

/** A link works for this long after it is sent: a few reminders' worth, then the entry's page does the job. */
export const LINK_DAYS = 60
const MAC_BYTES = 16

function mac(secret: string, payload: string): Buffer {
  // A key of its own, derived from the session secret: this token signs nothing else.
  const key = createHmac('sha256', secret).update('openly-still-active').digest()
  return createHmac('sha256', key).update(payload).digest().subarray(0, MAC_BYTES)
}

const KIND_CODE = { organisation: 'o', project: 'p' } as const
const ID = /^[A-Za-z0-9_-]{1,40}$/

/**
 * A signed token for the one-click "still active" link: it works without signing in and cannot be forged or altered.
 * Compact (`o.<entry id>.<person id>.<expiry>.<signature>`, about 80 characters), since a path segment is short.
 */
export function stillActiveToken(secret: string, link: StillActive): string {
  const payload = [KIND_CODE[link.kind], link.id, link.userId, Math.ceil(link.expires / 1000).toString(36)].join('.')
  return `${payload}.${mac(secret, payload).toString('base64url')}`
}

/** What a token names, or null when it is malformed, forged or expired. */
export function readStillActiveToken(secret: string, token: string, at = Date.now()): StillActive | null {
  const parts = token.split('.')
  if (parts.length !== 5 || token.length > 200) return null
  const [code, id, userId, expiry, signature] = parts as [string, string, string, string, string]
  const payload = [code, id, userId, expiry].join('.')
  const given = Buffer.from(signature, 'base64url')
  const expected = mac(secret, payload)
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null
  const kind = code === 'o' ? 'organisation' : code === 'p' ? 'project' : null
  const expires = Number.parseInt(expiry, 36) * 1000
  if (!kind || !ID.test(id) || !ID.test(userId) || !Number.isFinite(expires)) return null
  return expires >= at ? { kind, id, userId, expires } : null
}
