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

/** A signed token for the one-click "still active" link: it works without signing in and cannot be forged or altered. */
export function stillActiveToken(secret: string, link: StillActive): string {
  const payload = Buffer.from(JSON.stringify([link.kind, link.id, link.userId, link.expires])).toString('base64url')
  return `${payload}.${mac(secret, payload).toString('base64url')}`
}

/** What a token names, or null when it is malformed, forged or expired. */
export function readStillActiveToken(secret: string, token: string, at = Date.now()): StillActive | null {
  const [payload, signature, extra] = token.split('.')
  if (!payload || !signature || extra !== undefined || token.length > 400) return null
  const given = Buffer.from(signature, 'base64url')
  const expected = mac(secret, payload)
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null
  try {
    const [kind, id, userId, expires] = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown[]
    if ((kind !== 'organisation' && kind !== 'project') || typeof id !== 'string' || typeof userId !== 'string' || typeof expires !== 'number') return null
    return expires >= at ? { kind, id, userId, expires } : null
  } catch {
    return null
  }
}
