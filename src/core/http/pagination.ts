import type { Expression, ExpressionBuilder, SqlBool } from 'kysely'

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

/** Decodes a cursor; a malformed one is treated as "first page" rather than an error. */
export function decodeCursor(value: unknown): Cursor | null {
  if (typeof value !== 'string' || value.length > 200) return null
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'))
    if (Array.isArray(parsed) && typeof parsed[0] === 'string' && typeof parsed[1] === 'string') return { at: parsed[0], id: parsed[1] }
  } catch {}
  return null
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
