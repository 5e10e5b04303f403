import { randomBytes } from 'node:crypto'

/** A URL-safe random id (16 bytes, 22 characters). */
export function newId(): string {
  return randomBytes(16).toString('base64url')
}

/** The current time as the ISO-8601 UTC string every timestamp column stores. */
export function now(): string {
  return new Date().toISOString()
}

/** Turns a title into a URL slug: lowercase ASCII words joined by hyphens, at most 60 characters. */
export function slugify(text: string): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/g, '')
  return slug || 'item'
}

/**
 * A free slug for `text`: its slug (cut to `max`, or `fallback`), else with -2, -3… The caller
 * gives the slugs taken that start with the base (`takenLike(base)`, now or formerly) and the words
 * its URLs reserve (e.g. 'new', 'feed').
 */
export async function freeSlug(text: string, takenLike: (base: string) => Promise<Iterable<string>>, options: { fallback: string; reserved?: Iterable<string>; max?: number }): Promise<string> {
  const base = slugify(text).slice(0, options.max ?? 55).replace(/-+$/, '') || options.fallback
  const taken = new Set([...(await takenLike(base)), ...(options.reserved ?? [])])
  if (!taken.has(base)) return base
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`
}
