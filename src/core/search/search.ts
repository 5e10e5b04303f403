import { sql } from 'kysely'
import type { Dialect } from '../db/database.ts'
import type { CoreDb } from '../core.tables.ts'
import { visibleTo, type Actor } from '../access/policy.ts'
import { now } from '../db/ids.ts'

/** What a module hands to the index for one searchable thing. */
export interface SearchDocument {
  type: string
  id: string
  title: string
  body: string
  url: string
  spaceId: string | null
  /** When it became visible (null while a draft; a future time while scheduled). */
  visibleFrom: string | null
}

export interface SearchHit {
  type: string
  id: string
  title: string
  url: string
  /** HTML: escaped text with <mark> around matches. Safe to output unescaped. */
  snippetHtml: string
  titleHtml: string
  visibleFrom: string | null
}

export interface SearchResult {
  hits: SearchHit[]
  /** Matches per type, for the type filter, counted under the same access rules (up to COUNT_CAP matches in all). */
  counts: Record<string, number>
  total: number
  /** True when more than COUNT_CAP documents matched, so counts are lower bounds. */
  capped: boolean
}

/** Adds or replaces a document in the index. Call inside the transaction that changed the content. */
export async function indexDocument(db: CoreDb, doc: SearchDocument): Promise<void> {
  const row = {
    id: `${doc.type}:${doc.id}`,
    doc_type: doc.type,
    doc_id: doc.id,
    title: doc.title,
    body: doc.body.slice(0, 100_000),
    url: doc.url,
    space_id: doc.spaceId,
    visible_from: doc.visibleFrom,
    updated_at: now(),
  }
  await db
    .insertInto('search_documents')
    .values(row)
    .onConflict((oc) => oc.column('id').doUpdateSet({ title: row.title, body: row.body, url: row.url, space_id: row.space_id, visible_from: row.visible_from, updated_at: row.updated_at }))
    .execute()
}

/** Removes a document from the index. */
export async function removeDocument(db: CoreDb, type: string, id: string): Promise<void> {
  await db.deleteFrom('search_documents').where('id', '=', `${type}:${id}`).execute()
}

/** Removes several documents of one type from the index in one statement. */
export async function removeDocuments(db: CoreDb, type: string, ids: string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += 500) await db.deleteFrom('search_documents').where('id', 'in', ids.slice(i, i + 500).map((id) => `${type}:${id}`)).execute()
}

/** Counting stops here: "more than 1,000 results" costs the same however many documents match. */
export const COUNT_CAP = 1000
/** Relevance ranking looks at the newest this-many visible matches; rarer words are ranked in full. */
export const RANK_WINDOW = 500
const START = '\uE000'
const STOP = '\uE001'
const MAX_QUERY = 500
const MAX_TERMS = 16

/** Words and "quoted phrases" from user input; everything else (operators, punctuation, emoji) is dropped. */
export function parseQuery(input: string): Array<{ phrase: boolean; words: string[] }> {
  const text = input.slice(0, MAX_QUERY)
  const parts: Array<{ phrase: boolean; words: string[] }> = []
  const re = /"([^"]*)"|([^\s"]+)/g
  for (const m of text.matchAll(re)) {
    const words = (m[1] ?? m[2] ?? '').match(/[\p{L}\p{N}]+/gu) ?? []
    if (words.length === 0) continue
    if (m[1] !== undefined) parts.push({ phrase: true, words })
    else for (const w of words) parts.push({ phrase: false, words: [w] })
    if (parts.length >= MAX_TERMS) break
  }
  return parts.slice(0, MAX_TERMS)
}

/** FTS5 MATCH text built only from quoted tokens, so user input can never be FTS syntax. */
function toFts5(parts: ReturnType<typeof parseQuery>): string {
  return parts.map((p) => `"${p.words.join(' ')}"` + (p.phrase ? '' : '*')).join(' AND ')
}

/** Combining marks, in the ranges the PostgreSQL index's openly_fold() removes (migration 20261130T170300). */
const MARKS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g

/** Text without accents, as the PostgreSQL index holds it: decomposed (NFKD), combining marks removed. */
export const foldAccents = (text: string): string => text.normalize('NFKD').replace(MARKS, '')

/**
 * tsquery text for PostgreSQL, built the same way: words ANDed, phrases with <->, last-word prefixes; folded
 * as the index is, so "Altenbruck" and "Altenbrück" find each other. Decomposition can split a word
 * ("ǆ" → "dž" is one letter, but "½" → "1⁄2" is three parts): only letters and digits are kept.
 */
function toTsquery(parts: ReturnType<typeof parseQuery>): string {
  const fold = (w: string) => (foldAccents(w).toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).join('')
  return parts
    .map((p) => ({ ...p, words: p.words.map(fold).filter(Boolean) }))
    .filter((p) => p.words.length > 0)
    .map((p) => (p.phrase ? `(${p.words.map((w) => `'${w}'`).join(' <-> ')})` : `'${p.words[0]}':*`))
    .join(' & ')
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

/** Escapes text for HTML and turns the private-use markers into <mark> elements. */
export function markHtml(text: string): string {
  return escapeHtml(text).replaceAll(START, '<mark>').replaceAll(STOP, '</mark>')
}

/**
 * Searches what the actor may read. `types` filters by document type; counts are per type over
 * the unfiltered match. Never throws on odd input: a query with no words returns nothing.
 */
export async function searchDocuments(
  db: CoreDb,
  dialect: Dialect,
  actor: Actor,
  input: string,
  options: { types?: string[]; limit?: number; offset?: number } = {},
): Promise<SearchResult> {
  const parts = parseQuery(input)
  if (parts.length === 0) return { hits: [], counts: {}, total: 0, capped: false }
  const limit = Math.min(options.limit ?? 20, 50)
  const offset = Math.max(0, Math.min(options.offset ?? 0, 1000))
  const at = new Date().toISOString()
  const access = (eb: any) => visibleTo(actor, eb, { space: 'search_documents.space_id', visibleFrom: 'search_documents.visible_from' }, at)

  if (dialect === 'postgres') {
    const tsq = toTsquery(parts)
    if (!tsq) return { hits: [], counts: {}, total: 0, capped: false }
    // Raw SQL: tsquery matching, ts_rank and ts_headline have no Kysely builder.
    const match = sql<boolean>`search_documents.tsv @@ to_tsquery('english', ${tsq})`
    const matched = db.selectFrom('search_documents').select('doc_type').where(match).where(access).limit(COUNT_CAP + 1)
    const countRows = await db.selectFrom(matched.as('m')).select(['m.doc_type', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('m.doc_type').execute()
    // Rank the newest RANK_WINDOW matches, then build snippets for the one page shown only.
    let window = db.selectFrom('search_documents').select(['id', sql<string>`search_documents.tsv`.as('tsv'), 'visible_from']).where(match).where(access)
    if (options.types?.length) window = window.where('doc_type', 'in', options.types)
    const ranked = await db
      .selectFrom(window.orderBy('visible_from', 'desc').limit(RANK_WINDOW).as('w'))
      .select('w.id')
      .orderBy(sql`ts_rank(w.tsv, to_tsquery('english', ${tsq}))`, 'desc')
      .orderBy('w.id')
      .limit(limit)
      .offset(offset)
      .execute()
    const ids = ranked.map((r) => r.id)
    if (ids.length === 0) return shape([], countRows, options.types)
    const rows = await db
      .selectFrom('search_documents')
      .select([
        'id',
        'doc_type',
        'doc_id',
        'title',
        'url',
        'visible_from',
        sql<string>`ts_headline('english', search_documents.body, to_tsquery('english', ${tsq}), ${`StartSel=${START}, StopSel=${STOP}, MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=" … "`})`.as('snippet'),
        sql<string>`ts_headline('english', search_documents.title, to_tsquery('english', ${tsq}), ${`StartSel=${START}, StopSel=${STOP}, HighlightAll=true`})`.as('title_marked'),
      ])
      .where('id', 'in', ids)
      .execute()
    return shape(inOrder(rows, ids, (r) => r.id), countRows, options.types)
  }

  const fts = toFts5(parts)
  // Raw SQL: FTS5 MATCH, bm25() and snippet() belong to the virtual table.
  const joined = () =>
    db
      .selectFrom('search_documents')
      .innerJoin(sql`search_fts`.as('f'), (j) => j.on(sql`f.rowid`, '=', sql`search_documents.rowid`))
      .where(sql<boolean>`search_fts match ${fts}`)
  // One pass over the newest COUNT_CAP + 1 visible matches (FTS5 walks rowids newest first) gives both the
  // counts per type and where the ranking window starts: two queries over the same matches cost 5.5 ms at
  // 100,000 documents, this one about half.
  const newest = await joined().select([sql<number>`f.rowid`.as('r'), 'doc_type']).where(access).orderBy(sql`f.rowid`, 'desc').limit(COUNT_CAP + 1).execute()
  const countRows = countByType(newest)
  // Rank only the newest RANK_WINDOW visible matches (rowids grow with time): bm25 over every match of a
  // common word would cost time in proportion to the whole corpus.
  const inTypes = options.types?.length ? newest.filter((m) => options.types!.includes(m.doc_type)) : newest
  let floor: number | null | undefined = inTypes.length >= RANK_WINDOW || newest.length <= COUNT_CAP ? inTypes[Math.min(RANK_WINDOW, inTypes.length) - 1]?.r : undefined
  if (floor === undefined && newest.length > COUNT_CAP) {
    // A type filter whose matches are rarer than the first COUNT_CAP + 1: find its window on its own.
    const window = joined().select(sql<number>`f.rowid`.as('r')).where(access).where('doc_type', 'in', options.types!)
    floor = (await db.selectFrom(window.orderBy(sql`f.rowid`, 'desc').limit(RANK_WINDOW).as('w')).select((eb) => eb.fn.min<number>('w.r').as('floor')).executeTakeFirst())?.floor
  }
  if (floor === null || floor === undefined) return shape([], countRows, options.types)
  let ranking = joined().select(sql<number>`f.rowid`.as('r')).where(access).where(sql`f.rowid`, '>=', floor)
  if (options.types?.length) ranking = ranking.where('doc_type', 'in', options.types)
  const ranked = await ranking.orderBy(sql`bm25(search_fts, 5.0, 1.0)`).orderBy('search_documents.id').limit(limit).offset(offset).execute()
  const rowids = ranked.map((r) => Number(r.r))
  if (rowids.length === 0) return shape([], countRows, options.types)
  // Snippets for the shown page only, made here from the stored text: FTS5's snippet() needs the MATCH cursor,
  // and restricting that to 20 rows still walks every match (measured: 17 ms at 100,000 documents, over half
  // of a search's cost), while marking 20 texts in JavaScript takes well under a millisecond.
  const docs = await db
    .selectFrom('search_documents')
    .select([sql<number>`search_documents.rowid`.as('r'), 'doc_type', 'doc_id', 'title', 'body', 'url', 'visible_from'])
    .where(sql`search_documents.rowid`, 'in', rowids)
    .execute()
  const marker = termMarker(parts)
  const rows = docs.map((d) => ({ ...d, snippet: snippetOf(d.body, marker), title_marked: d.title.replace(marker, (m) => `${START}${m}${STOP}`) }))
  return shape(inOrder(rows, rowids, (r) => Number(r.r)), countRows, options.types)
}

/**
 * A regular expression marking the query's words in text: each word, or for longer words its stem-like
 * prefix (so "mapping" marks "mapped"), as the start of a word. Porter stemming in the index matches the same forms.
 */
export function termMarker(parts: ReturnType<typeof parseQuery>): RegExp {
  const stems = [...new Set(parts.flatMap((p) => p.words).map((w) => w.toLowerCase()).map((w) => (w.length > 5 ? w.slice(0, w.length - 3) : w)))]
  const escaped = stems.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${escaped.join('|')})[\\p{L}\\p{N}]*`, 'giu')
}

/** About 30 words of `text` around the first match, with matches between the private-use markers. */
export function snippetOf(text: string, marker: RegExp): string {
  marker.lastIndex = 0
  const first = marker.exec(text)
  marker.lastIndex = 0
  const at = first?.index ?? 0
  let start = Math.max(0, at - 90)
  if (start > 0) start = text.indexOf(' ', start) + 1 || start
  let end = Math.min(text.length, start + 240)
  if (end < text.length) end = text.lastIndexOf(' ', end) > start ? text.lastIndexOf(' ', end) : end
  const piece = text.slice(start, end).replace(marker, (m) => `${START}${m}${STOP}`)
  return `${start > 0 ? '… ' : ''}${piece}${end < text.length ? ' …' : ''}`
}

/** Matches per document type, as the count query answers them. */
function countByType(matches: Array<{ doc_type: string }>): Array<{ doc_type: string; n: number }> {
  const counts = new Map<string, number>()
  for (const m of matches) counts.set(m.doc_type, (counts.get(m.doc_type) ?? 0) + 1)
  return [...counts].map(([doc_type, n]) => ({ doc_type, n }))
}

/** Puts rows back into the order of `keys` (the ranking). */
function inOrder<T, K>(rows: T[], keys: K[], key: (row: T) => K): T[] {
  const byKey = new Map(rows.map((r) => [key(r), r]))
  return keys.flatMap((k) => (byKey.has(k) ? [byKey.get(k)!] : []))
}

function shape(
  rows: Array<{ doc_type: string; doc_id: string; title: string; url: string; visible_from: string | null; snippet: string; title_marked: string }>,
  countRows: Array<{ doc_type: string; n: number }>,
  types: string[] | undefined,
): SearchResult {
  const counts: Record<string, number> = {}
  for (const r of countRows) counts[r.doc_type] = Number(r.n)
  const total = Object.entries(counts).reduce((sum, [t, n]) => (types?.length && !types.includes(t) ? sum : sum + n), 0)
  const all = Object.values(counts).reduce((a, b) => a + b, 0)
  return {
    counts,
    total,
    capped: all > COUNT_CAP,
    hits: rows.map((r) => ({
      type: r.doc_type,
      id: r.doc_id,
      title: r.title,
      url: r.url,
      visibleFrom: r.visible_from,
      snippetHtml: markHtml(r.snippet ?? ''),
      titleHtml: markHtml(r.title_marked ?? r.title),
    })),
  }
}
