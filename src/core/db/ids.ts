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
