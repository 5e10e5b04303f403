import { publiclyVisible, visibleTo, type Actor } from '../../core/access/policy.ts'
import { afterCursor, paginate, type Cursor } from '../../core/http/pagination.ts'
import type { BarriersDb, WikiEntriesTable, WikiKind } from './barriers.tables.ts'

export type EntryRow = WikiEntriesTable

/** The access columns of wiki pages, for `visibleTo`: site content, hidden by a moderator, its creator. */
export const ENTRY_ACCESS = { space: 'wiki_entries.space_id', hidden: 'wiki_entries.hidden_at', author: 'wiki_entries.created_by' }

/** One page by kind and slug, whoever asks (callers decide with `can`). */
export async function findEntry(db: BarriersDb, kind: WikiKind, slug: string): Promise<EntryRow | undefined> {
  if (slug.length > 100) return undefined
  return db.selectFrom('wiki_entries').selectAll().where('kind', '=', kind).where('slug', '=', slug).executeTakeFirst()
}

export async function findEntryById(db: BarriersDb, id: string): Promise<EntryRow | undefined> {
  if (id.length > 100) return undefined
  return db.selectFrom('wiki_entries').selectAll().where('id', '=', id).executeTakeFirst()
}

/** Slugs of this kind taken by `base` or its numbered forms, in one query. */
export async function entrySlugsLike(db: BarriersDb, kind: WikiKind, base: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('wiki_entries')
    .select('slug')
    .where('kind', '=', kind)
    .where((eb) => eb.or([eb('slug', '=', base), eb('slug', 'like', `${base}-%`)]))
    .execute()
  return new Set(rows.map((r) => r.slug))
}

export async function insertEntry(db: BarriersDb, row: EntryRow): Promise<void> {
  await db.insertInto('wiki_entries').values(row).execute()
}

/**
 * Writes a new revision's text over the page only if its latest revision is still `base`: the one
 * guard against lost edits. On PostgreSQL a second edit from the same base waits for the first one's row
 * lock, then finds the revision moved on and changes nothing; SQLite runs one write at a time. True when saved.
 */
export async function updateEntryIfAt(db: BarriersDb, id: string, base: number, changes: Partial<Omit<EntryRow, 'id' | 'kind' | 'slug'>>): Promise<boolean> {
  const result = await db.updateTable('wiki_entries').set(changes).where('id', '=', id).where('revision', '=', base).executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/** The page's themes, replaced by these (already normalised). */
export async function replaceThemes(db: BarriersDb, entry: Pick<EntryRow, 'id' | 'kind'>, themes: string[]): Promise<void> {
  await db.deleteFrom('wiki_entry_themes').where('entry_id', '=', entry.id).execute()
  if (themes.length) await db.insertInto('wiki_entry_themes').values(themes.map((theme) => ({ entry_id: entry.id, kind: entry.kind, theme }))).execute()
}

export async function setEntryHiddenAt(db: BarriersDb, id: string, at: string | null): Promise<void> {
  await db.updateTable('wiki_entries').set({ hidden_at: at }).where('id', '=', id).execute()
}

export interface EntryFilter {
  kind: WikiKind
  /** A normalised theme. */
  theme?: string
  /** Free text: every word must appear in the title, text or themes. */
  text?: string
  /** Only these pages (a linked list on another page). */
  ids?: string[]
  cursor: Cursor | null
  limit: number
}

/** The words of a free-text filter (at most 8), lower-cased as `search_text` is: letters and digits only, so never a LIKE wildcard. */
export const filterWords = (text: string) => (text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 8)

/**
 * A page of pages the actor may see, most recently changed first (keyset on updated_at, id): the
 * kind's index drives the scan; a theme is checked through its own index, words with LIKE.
 */
export async function listEntryRows(db: BarriersDb, actor: Actor, filter: EntryFilter): Promise<{ items: EntryRow[]; next: string | null }> {
  let q = db
    .selectFrom('wiki_entries')
    .selectAll()
    .where('wiki_entries.kind', '=', filter.kind)
    .where((eb) => visibleTo(actor, eb, ENTRY_ACCESS))
  if (filter.theme) {
    const theme = filter.theme
    q = q.where('wiki_entries.id', 'in', (eb) => eb.selectFrom('wiki_entry_themes').select('wiki_entry_themes.entry_id').where('wiki_entry_themes.kind', '=', filter.kind).where('wiki_entry_themes.theme', '=', theme))
  }
  for (const word of filterWords(filter.text ?? '')) q = q.where('wiki_entries.search_text', 'like', `%${word}%`)
  if (filter.ids) {
    if (filter.ids.length === 0) return { items: [], next: null }
    q = q.where('wiki_entries.id', 'in', filter.ids)
  }
  const c = filter.cursor
  if (c) q = q.where((eb) => afterCursor(eb, 'wiki_entries.updated_at', 'wiki_entries.id', c))
  const rows = await q.orderBy('wiki_entries.updated_at', 'desc').orderBy('wiki_entries.id', 'desc').limit(filter.limit + 1).execute()
  return paginate(rows, filter.limit, (r) => ({ at: r.updated_at, id: r.id }))
}

/**
 * The themes used on pages of a kind the actor may see, for the filter (at most 200). The themes' own index
 * gives them in order; only pages that are not plainly visible (hidden, or in a space: few) are looked at
 * through the access filter, to leave out themes only those pages carry (measured: joining every theme row
 * to its page cost 4 ms of a 2,000-page list).
 */
export async function themesInUse(db: BarriersDb, actor: Actor, kind: WikiKind): Promise<string[]> {
  const unseen = db
    .selectFrom('wiki_entries')
    .select('wiki_entries.id')
    .where('wiki_entries.kind', '=', kind)
    .where((eb) => eb.or([eb('wiki_entries.hidden_at', 'is not', null), eb('wiki_entries.space_id', 'is not', null)]))
    .where((eb) => eb.not(visibleTo(actor, eb, ENTRY_ACCESS)))
  const rows = await db
    .selectFrom('wiki_entry_themes')
    .select('theme')
    .distinct()
    .where('kind', '=', kind)
    .where('entry_id', 'not in', unseen)
    .orderBy('theme')
    .limit(200)
    .execute()
  return rows.map((r) => r.theme)
}

/** Public pages for the sitemap. */
export async function publicEntryPaths(db: BarriersDb): Promise<Array<{ kind: WikiKind; slug: string; updated_at: string }>> {
  return db
    .selectFrom('wiki_entries')
    .select(['kind', 'slug', 'updated_at'])
    .where((eb) => publiclyVisible(eb, ENTRY_ACCESS))
    .orderBy('updated_at', 'desc')
    .limit(20_000)
    .execute()
}
