import { hash } from 'node:crypto'

/**
 * A validator for a body: its hash. Weak (`W/`), because the same response compressed or not is the same
 * content, and a strong ETag would have to differ per encoding.
 */
export function etagOf(body: string | Buffer): string {
  // One-shot: no Hash object per response (the same digest as createHash().update().digest()).
  return `W/"${hash('sha1', body, 'base64url')}"`
}

const opaque = (tag: string) => tag.trim().replace(/^W\//, '')

/**
 * If-None-Match uses the weak comparison (RFC 9110 §13.1.2): `W/"x"` matches `"x"`, and the header may
 * list several tags or be `*`. A proxy that compresses a response weakens its ETag, so comparing bytes
 * would never revalidate behind one.
 */
export function etagMatches(ifNoneMatch: string | string[] | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false
  const header = Array.isArray(ifNoneMatch) ? ifNoneMatch.join(',') : ifNoneMatch
  if (header.trim() === '*') return true
  const mine = opaque(etag)
  return (header.match(/(W\/)?"[^"]*"/g) ?? []).some((t) => opaque(t) === mine)
}

/**
 * Whether a conditional GET may be answered 304: If-None-Match when present (it takes precedence,
 * RFC 9110 §13.2.2), else If-Modified-Since against `lastModified` (HTTP dates have one-second precision).
 */
export function notModified(headers: Record<string, string | string[] | undefined>, etag: string, lastModified?: Date): boolean {
  const inm = headers['if-none-match']
  if (inm !== undefined) return etagMatches(inm, etag)
  const ims = headers['if-modified-since']
  if (!lastModified || typeof ims !== 'string') return false
  const since = Date.parse(ims)
  return Number.isFinite(since) && Math.floor(lastModified.getTime() / 1000) <= Math.floor(since / 1000)
}
