import type { Expression, ExpressionBuilder, SqlBool } from 'kysely'
import { AppError } from '../errors.ts'

/**
 * Keyset cursors: an opaque base64url of the sort key of the last row shown.
 * Lists sort by (timestamp desc, id desc) so the key is unique and stable.
 */
export interface Cursor {
  at: string
  id: string
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.at, c.id])).toString('base64url')
}

/**
 * Decodes a cursor: null for none (the first page); a malformed one is a 400, not silently page 1 (a
 * client paging through a list must not loop back to the start). Keys may not hold NUL (PostgreSQL refuses it).
 */
export function decodeCursor(value: unknown): Cursor | null {
  if (value === undefined || value === null || value === '') return null
  const bad = () => new AppError('bad_cursor', 400, 'This page link is not valid. Go back to the first page of the list.')
  if (typeof value !== 'string' || value.length > 200) throw bad()
  let parsed: unknown
  try {
    parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'))
  } catch {
    throw bad()
  }
  if (!Array.isArray(parsed) || typeof parsed[0] !== 'string' || typeof parsed[1] !== 'string' || `${parsed[0]}${parsed[1]}`.includes('\u0000') || parsed[0].length > 100 || parsed[1].length > 100) throw bad()
  return { at: parsed[0], id: parsed[1] }
}

/** Clamps a requested page size. */
export function pageSize(value: unknown, fallback = 20, max = 100): number {
  const n = Number(value)
  return Number.isInteger(n) && n >= 1 ? Math.min(n, max) : fallback
}

/** Given rows fetched with limit+1, returns the page and the next cursor. */
export function paginate<T>(rows: T[], limit: number, key: (row: T) => Cursor): { items: T[]; next: string | null } {
  const items = rows.slice(0, limit)
  const next = rows.length > limit ? encodeCursor(key(items[items.length - 1]!)) : null
  return { items, next }
}

/**
 * SQL: the row comes after the cursor in a list ordered by (key, id), both descending (newest first,
 * the default) or both ascending (alphabetical). The one keyset condition every list uses.
 */
export function afterCursor(eb: ExpressionBuilder<any, any>, keyColumn: string, idColumn: string, cursor: Cursor, order: 'desc' | 'asc' = 'desc'): Expression<SqlBool> {
  const past = order === 'desc' ? '<' : '>'
  return eb.or([eb(eb.ref(keyColumn), past, cursor.at), eb.and([eb(eb.ref(keyColumn), '=', cursor.at), eb(eb.ref(idColumn), past, cursor.id)])])
}
