import { CompiledQuery, sql, type RawBuilder } from 'kysely'
import type { Dialect } from '../db/database.ts'
import type { CoreDb } from '../core.tables.ts'
import { visibleTo, type Actor } from '../access/policy.ts'
import { now } from '../db/ids.ts'
import { untrace } from '../access/reader-trace.ts'
import { STOP_WORDS } from './stopwords.ts'
import { expandPrefixes, prefixExpansion } from './lexemes.ts'
import { ROWS_AS_ARRAYS } from '../db/sqlite-dialect.ts'

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

/**
 * Relevance ranking looks at the newest this-many visible matches, and counting stops there too ("more than 200
 * results", 10 pages): every counted result can be paged to, and a search reads about this many index entries
 * whatever the size of the corpus. 500 cost twice the database time of a whole signed-in page (decision 0027).
 */
export const RANK_WINDOW = 200
/** Counting stops here: the ranking window, so that counting costs no pass of its own. */
export const COUNT_CAP = RANK_WINDOW
const START = '\uE000'
const STOP = '\uE001'
const MAX_QUERY = 500
const MAX_TERMS = 16
/** Words shorter than this are matched whole, never as prefixes ("a" would be every word starting with a). */
const MIN_PREFIX = 3

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

type Parts = ReturnType<typeof parseQuery>

/** The query without PostgreSQL's English stop words (stopwords.ts), as its index holds documents; a phrase keeps its other words. */
function withoutStopWords(parts: Parts): Parts {
  const kept = parts.map((p) => ({ ...p, words: p.words.filter((w) => !STOP_WORDS.has(w.toLowerCase())) }))
  // A phrase keeps its stop words when it has others ("state of the art"): FTS5 matches them in place, PostgreSQL skips them.
  return kept.flatMap((p, i) => (p.words.length === 0 ? [] : p.phrase ? [parts[i]!] : [p]))
}

/** Whether a part is matched as a prefix when whole words do not fill the window: a word (not a phrase) of MIN_PREFIX letters or more. */
const prefixable = (p: Parts[number]) => !p.phrase && p.words[0]!.length >= MIN_PREFIX

/** FTS5 MATCH text built only from quoted tokens, so user input can never be FTS syntax; words as prefixes when `prefix`. */
function toFts5(parts: Parts, prefix: boolean): string {
  return parts.map((p) => `"${p.words.join(' ')}"` + (prefix && prefixable(p) ? '*' : '')).join(' AND ')
}

/** Combining marks, in the ranges the PostgreSQL index's openly_fold() removes (migration 20261130T170300). */
const MARKS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g

/** Text without accents, as the PostgreSQL index holds it: decomposed (NFKD), combining marks removed. */
export const foldAccents = (text: string): string => text.normalize('NFKD').replace(MARKS, '')

/** A query word as the tsquery text holds it: folded, lower case, its letters and digits only. */
const foldWord = (w: string) => (foldAccents(w).toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []).join('')

/**
 * tsquery text for PostgreSQL, built the same way: words ANDed, phrases with <->, last-word prefixes; folded
 * as the index is, so "Altenbruck" and "Altenbrück" find each other. Decomposition can split a word
 * ("ǆ" → "dž" is one letter, but "½" → "1⁄2" is three parts): only letters and digits are kept.
 */
function toTsquery(parts: Parts, prefix: boolean): string {
  return parts
    .map((p) => ({ ...p, words: p.words.map(foldWord).filter(Boolean) }))
    .filter((p) => p.words.length > 0)
    .map((p) => (p.phrase ? `(${p.words.map((w) => `'${w}'`).join(' <-> ')})` : `'${p.words[0]}'${prefix && p.words[0]!.length >= MIN_PREFIX ? ':*' : ''}`))
    .join(' & ')
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }
const escapeHtml = (s: string) => (/[&<>"]/.test(s) ? s.replace(/[&<>"]/g, (c) => HTML_ESCAPES[c]!) : s)

/** Escapes text for HTML and turns the private-use markers into <mark> elements. */
export function markHtml(text: string): string {
  const escaped = escapeHtml(text)
  return escaped.includes(START) || escaped.includes(STOP) ? escaped.replaceAll(START, '<mark>').replaceAll(STOP, '</mark>') : escaped
}

/**
 * Searches what the actor may read. `types` filters by document type; counts are per type over
 * the unfiltered match. Never throws on odd input: a query with no words returns nothing.
 *
 * The work is bounded by the window, not by how many documents match (decision 0027): one pass reads the newest
 * RANK_WINDOW + 1 visible matches with their relevance, newest first from the index, stopping there; the counts and
 * the ranking come from those rows, and only the page shown is read in full, by key. Whole words are tried first;
 * words are widened to prefixes ("playgr" finds "playgrounds") only when whole words do not fill the window.
 */
export async function searchDocuments(
  db: CoreDb,
  dialect: Dialect,
  actor: Actor,
  input: string,
  options: { types?: string[]; limit?: number; offset?: number } = {},
): Promise<SearchResult> {
  const parts = withoutStopWords(parseQuery(input))
  const none = { hits: [], counts: {}, total: 0, capped: false }
  if (parts.length === 0) return none
  const limit = Math.min(options.limit ?? 20, 50)
  const offset = Math.max(0, Math.min(options.offset ?? 0, 1000))
  const at = new Date().toISOString()
  const access = (eb: any) => visibleTo(actor, eb, { space: 'search_documents.space_id', visibleFrom: 'search_documents.visible_from' }, at)
  const engine = dialect === 'postgres' ? postgresEngine(db, parts, access, at) : sqliteEngine(db, parts, accessFor(db, actor, at))
  if (!engine) return none

  // Whole words first; prefixes only when whole words leave the window unfilled (a prefix reads every word it starts).
  const variants = parts.some(prefixable) ? [false, true] : [false]
  let prefix = false
  let newest: Candidate[] = []
  for (const p of variants) {
    prefix = p
    newest = await engine.window(prefix, undefined, p !== variants.at(-1))
    if (newest.length > RANK_WINDOW) break
  }
  const countRows = countByType(newest)
  let window = newest.slice(0, RANK_WINDOW)
  if (options.types?.length) {
    const inTypes = newest.filter((m) => options.types!.includes(m.doc_type))
    // The newest matches of every type hold all of the filtered type's window, unless others crowded it out.
    window = newest.length <= RANK_WINDOW || inTypes.length === newest.length ? inTypes.slice(0, RANK_WINDOW) : (await engine.window(prefix, options.types, false)).slice(0, RANK_WINDOW)
  }
  // Best first; equal relevance, newer first (the window is newest first, and the sort is stable).
  const shown = window.toSorted((a, b) => b.score - a.score).slice(offset, offset + limit)
  if (shown.length === 0) return shape([], countRows, options.types)
  // Snippets for the shown page only, made here from the stored text on both databases (the same marks on each):
  // FTS5's snippet() needs the MATCH cursor, and restricting that to 20 rows still walked every match (17 ms at
  // 100,000 documents); ts_headline took as long as the rest of a search. Marking 20 texts takes well under a millisecond.
  const docs = await engine.documents(shown.map((c) => c.key))
  const marker = termMarker(parts)
  // Each field named, not spread: spreading a row copies it property by property through the generic path.
  const rows = docs.map((d) => ({ key: d.key, doc_type: d.doc_type, doc_id: d.doc_id, title: d.title, url: d.url, visible_from: d.visible_from, snippet: snippetOf(d.body, marker), title_marked: d.title.replace(marker, (m) => `${START}${m}${STOP}`) }))
  return shape(inOrder(rows, shown.map((c) => c.key), (r) => r.key), countRows, options.types)
}

/** One visible match, as the window reads it: the key the engine fetches it by, its type, its relevance (higher is better). */
interface Candidate {
  key: string | number
  doc_type: string
  score: number
}

type ShownRow = { key: string | number; doc_type: string; doc_id: string; title: string; body: string; url: string; visible_from: string | null }

/** A PostgreSQL window row as a candidate. */
const candidate = (r: { id: string; doc_type: string; rank: number }): Candidate => ({ key: r.id, doc_type: r.doc_type, score: Number(r.rank) })

/** What each database does for a search: the window of newest visible matches, and the shown documents by key. */
interface Engine {
  /**
   * The newest visible matches, best first by `score`. `more`: a later variant follows when this one does not fill the
   * window, so rows it returns without filling it are never shown (SQLite may then leave them unranked, score 0).
   */
  window(prefix: boolean, types: string[] | undefined, more: boolean): Promise<Candidate[]>
  documents(keys: Array<string | number>): Promise<ShownRow[]>
}

/**
 * SQLite: FTS5 gives matches in rowid order, newest first (rowids grow as documents are indexed), so the window is
 * one pass that stops after RANK_WINDOW + 1 visible rows, each checked against the access filter by its rowid, with
 * bm25 computed for those rows only. Raw SQL: FTS5 MATCH and bm25() belong to the virtual table.
 *
 * The statements' text is written once per shape and bound per search (decision 0036): only the access filter is
 * compiled, once per reader (once per process for anonymous readers), where Kysely built and compiled each of a
 * search's one to four statements whole (6% of an uncached search page's CPU).
 */
function sqliteEngine(db: CoreDb, parts: Parts, access: CompiledAccess): Engine {
  /** The newest visible matches in one FTS5 index: search_recent (the newest documents) or search_fts (all). */
  const inIndex = async (fts: 'search_recent' | 'search_fts', prefix: boolean, types: string[] | undefined, ranked = true): Promise<Candidate[]> => {
    const text = windowStatement(fts, access.sql, types?.length ?? 0, ranked)
    const parameters = [toFts5(parts, prefix), ...access.parameters, ...(types ?? []), RANK_WINDOW + 1]
    const { rows } = await db.executeQuery<[number, string, number]>(CompiledQuery.raw(text, parameters))
    // Rows as arrays (ROWS_AS_ARRAYS): rowid, doc_type, bm25(), which is lower for better matches.
    const out: Candidate[] = new Array(rows.length)
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!
      out[i] = { key: Number(r[0]), doc_type: r[1], score: -Number(r[2]) }
    }
    return out
  }
  /** Whether documents older than the newest-documents index exist, and how many times more documents there are (asked once per search). */
  let state: Promise<{ older: boolean; ratio: number }> | null = null
  const indexes = () =>
    (state ??= db.executeQuery<[number | null, number | null, number | null]>(INDEXES_STATE).then(({ rows }) => {
      const [older, n, top] = rows[0] ?? [0, 0, 0]
      // top (the highest rowid) counts deleted documents too: the ratio errs high, towards ranking (see below).
      return { older: Boolean(older), ratio: n ? Number(top ?? 0) / Number(n) : Infinity }
    }))
  /** Matches of the whole words among the newest documents (the first statement of a search), once known. */
  let seenRecent: number | null = null
  return {
    // The newest documents first (recent.ts): when they hold the window, it is the window the whole index would give,
    // and bm25 counted only their documents. The whole index only when they do not, and older documents exist.
    //
    // bm25 costs 50–75% of a statement (its IDF pass reads every entry of each word; decision 0046), and a statement that
    // does not fill the window is thrown away when another follows. After the first statement of a search (always
    // ranked) a statement that another may follow and that the matches seen predict will not fill the window runs
    // without bm25; if it fills after all, it runs again ranked. Which rows are shown never depends on the guess: a
    // statement's rows are the same with or without bm25, and only a statement whose rows are shown is used ranked.
    async window(prefix, types, more) {
      const guess = unrankedGuesses.enabled && !types && seenRecent !== null
      // The prefixes among the newest documents, followed by the whole index: unranked when the whole words were few there.
      const recentPlain = guess && prefix && seenRecent! <= RANK_WINDOW / 2 && (await indexes()).older
      const recent = await inIndex('search_recent', prefix, types, !recentPlain)
      if (recent.length > RANK_WINDOW) return recentPlain ? inIndex('search_recent', prefix, types) : recent
      if (!prefix && !types && seenRecent === null) seenRecent = recent.length
      const { older, ratio } = await indexes()
      if (!older) return recent
      // The whole words in the whole index, followed by the prefixes: unranked when, as dense as among the newest
      // documents, they would not fill the window.
      const allPlain = more && unrankedGuesses.enabled && !types && seenRecent !== null && seenRecent * ratio <= RANK_WINDOW
      const all = await inIndex('search_fts', prefix, types, !allPlain)
      return allPlain && all.length > RANK_WINDOW ? inIndex('search_fts', prefix, types) : all
    },
    async documents(keys) {
      const { rows } = await db.executeQuery<[number, string, string, string, string, string, string | null]>(CompiledQuery.raw(documentsStatement(keys.length), keys))
      return rows.map((r) => ({ key: Number(r[0]), doc_type: r[1], doc_id: r[2], title: r[3], body: r[4], url: r[5], visible_from: r[6] }))
    },
  }
}

/** Statements guessed not to fill the window run without bm25 (decision 0046); off in a test, to compare. */
export const unrankedGuesses = { enabled: true }

/** The access filter compiled alone: its SQL (a condition on search_documents) and its parameters, `at` bound per search. */
interface CompiledAccess {
  sql: string
  parameters: readonly unknown[]
}

/** Stands for the search's time in a compiled filter, replaced by it when bound. */
const AT = Symbol('at')
const FILTER_PREFIX = 'select 1 as "x" from "search_documents" where '
/**
 * The access filter per reader, compiled once: ANONYMOUS is one object for the process, a signed-in actor one per
 * request (as policy.ts builds its predicate). Search's filter has no author column, so it notes nothing in a shared
 * rendering's trace (reader-trace.ts) and depends on the reader alone.
 */
const compiledAccess = new WeakMap<object, { sql: string; parameters: readonly unknown[] }>()
/**
 * A signed-in reader: the filter is their id's alone (the spaces they are in or banned from, and an admin's access
 * grants, are read by the statement), so it is kept per id, for the readers who searched last. An admin's grants are
 * read as of the search's time, bound like it (they were read as of the request's start when compiled per request).
 */
const compiledForReader = new Map<string, { sql: string; parameters: readonly unknown[] }>()
const READERS_KEPT = 1000

function accessFor(db: CoreDb, actor: Actor, at: string): CompiledAccess {
  const key = untrace(actor).actor
  const byId = key.userId ? `${key.isAdmin ? 'admin' : 'reader'} ${key.userId}` : null
  let compiled = byId ? compiledForReader.get(byId) : compiledAccess.get(key)
  if (!compiled) {
    const columns = { space: 'search_documents.space_id', visibleFrom: 'search_documents.visible_from' }
    const q = db.selectFrom('search_documents').select(sql<number>`1`.as('x')).where((eb) => visibleTo(actor, eb, columns, AT as unknown as string, key.isAdmin ? (AT as unknown as string) : undefined)).compile()
    if (!q.sql.startsWith(FILTER_PREFIX)) throw new Error(`search: unexpected shape of the compiled access filter: ${q.sql}`)
    compiled = { sql: q.sql.slice(FILTER_PREFIX.length), parameters: q.parameters }
    if (!byId) compiledAccess.set(key, compiled)
    else {
      if (compiledForReader.size >= READERS_KEPT) compiledForReader.delete(compiledForReader.keys().next().value!)
      compiledForReader.set(byId, compiled)
    }
  }
  return { sql: compiled.sql, parameters: compiled.parameters.map((p) => (p === AT ? at : p)) }
}

const statements = new Map<string, string>()
/** The window statement's text for an index, an access filter and a number of types: the text Kysely wrote for it before. */
function windowStatement(fts: 'search_recent' | 'search_fts', access: string, types: number, ranked: boolean): string {
  const key = `${fts}|${types}|${ranked}|${access}`
  let text = statements.get(key)
  if (!text) {
    const inTypes = types ? ` and "doc_type" in (${Array(types).fill('?').join(', ')})` : ''
    text = `${ROWS_AS_ARRAYS}select f.rowid as "r", "doc_type", ${ranked ? `bm25("${fts}", 5.0, 1.0)` : '0'} as "bm25" from "search_documents" inner join "${fts}" as "f" on f.rowid = search_documents.rowid where "${fts}" match ? and (${access})${inTypes} order by f.rowid desc limit ?`
    // Signed-in readers' filters differ by their id only in parameters, so shapes stay few; bounded all the same.
    if (statements.size > 500) statements.clear()
    statements.set(key, text)
  }
  return text
}

const documentsStatement = (n: number) => `${ROWS_AS_ARRAYS}select search_documents.rowid as "r", "doc_type", "doc_id", "title", "body", "url", "visible_from" from "search_documents" where search_documents.rowid in (${Array(n).fill('?').join(', ')})`
/** Whether documents older than the newest-documents index exist, how many it holds, and the highest rowid (three index seeks). */
const INDEXES_STATE = CompiledQuery.raw(`${ROWS_AS_ARRAYS}select (select min(rowid) from "search_documents") < floor as "older", n, (select max(rowid) from "search_documents") as "top" from search_recent_state where id = 1`, [])

/**
 * Where the slices of the newest k documents start, per database, for a minute: probing costs an index-only scan of k
 * entries. A boundary that has moved since only makes a slice a little larger or smaller: the window is the newest
 * matches inside it, and a slice without enough of them is widened, so results never depend on it.
 */
const boundaries = new WeakMap<CoreDb, Map<number, { since: string | null; until: number }>>()

/** How many documents there are, per database, for a minute (pg_class.reltuples: no count). */
const counts = new WeakMap<CoreDb, { n: number; until: number }>()

/** The first time slice holds the newest this-many documents: a word in one document of 4 fills the window from it. */
const FIRST_SLICE = 5 * RANK_WINDOW
/** The widest slice before all documents: beyond it the word is rare enough for the GIN index to read all its matches. */
const WIDEST_SLICE = 64 * FIRST_SLICE

/**
 * How many of the newest documents the second slice holds after a first slice with `n` matches, or null for all of them
 * (`documents` in all). As dense as in the first slice, how many documents hold the window, with a margin? Almost no
 * matches: the widest slice, unless even at a little more than that density (n + 1) the widest slice would not hold the
 * window, so all documents are read anyway (two common words rarely together: the slice cost 0.5 ms of 2.9 at 1,000,000
 * posts), or all the documents hold few matches, which the GIN index reads at once.
 */
export function widerSlice(n: number, documents: number): number | null {
  if (n >= 8) return Math.min(roundUp((1.5 * RANK_WINDOW * FIRST_SLICE) / n), WIDEST_SLICE)
  const atMost = (n + 1) / FIRST_SLICE
  return atMost * WIDEST_SLICE <= RANK_WINDOW || atMost * documents <= 10 * RANK_WINDOW ? null : WIDEST_SLICE
}

/** n rounded up to a power of two or one and a half times one (few distinct slices to remember, at most 1.5× too many documents). */
const roundUp = (n: number) => {
  const p = 2 ** Math.floor(Math.log2(n))
  return n <= p ? p : n <= 1.5 * p ? 1.5 * p : 2 * p
}

/** visible_from in the "C" collation: the probes' own index (bytewise, as ISO timestamps sort), which no search statement can use. */
const VISIBLE_FROM_C = sql<string>`visible_from collate "C"`

/**
 * The time buckets (lexemes of the search vector, migration 20261130T420000) covering every document visible from
 * `since` up to `at`: the hours left in since's day, the days left in its month, then whole months through at's. The
 * cover starts at since's hour, so it may hold a few older documents: the slice is then a little larger, still the
 * newest documents. tsquery text; the lexemes contain a space, so no word of a query or a document can be one.
 */
export function bucketsSince(since: string, at: string): string {
  const out: string[] = []
  const iso = (d: Date) => d.toISOString()
  const end = Date.parse(at)
  const t = new Date(`${since.slice(0, 13)}:00:00.000Z`)
  if (Number.isNaN(t.getTime()) || Number.isNaN(end)) return ''
  const sameDay = (a: Date, b: Date) => iso(a).slice(0, 10) === iso(b).slice(0, 10)
  const sameMonth = (a: Date, b: Date) => iso(a).slice(0, 7) === iso(b).slice(0, 7)
  const startDay = new Date(t)
  while (t.getTime() <= end && sameDay(t, startDay)) {
    out.push(`h ${iso(t).slice(0, 13)}`)
    t.setUTCHours(t.getUTCHours() + 1)
  }
  while (t.getTime() <= end && sameMonth(t, startDay)) {
    out.push(`d ${iso(t).slice(0, 10)}`)
    t.setUTCDate(t.getUTCDate() + 1)
  }
  while (t.getTime() <= end) {
    out.push(`m ${iso(t).slice(0, 7)}`)
    t.setUTCMonth(t.getUTCMonth() + 1)
  }
  return out.map((b) => `'${b}'`).join(' | ')
}

/**
 * PostgreSQL: the GIN index cannot give matches newest first, so every match was fetched from the table and sorted
 * (60 ms for a common word at 100,000 documents). Instead the newest documents are searched in a time slice: the
 * query's words ANDed with the month, day and hour buckets (lexemes in the same search vector, migration
 * 20261130T420000) that cover the slice, so the GIN index reads only the matches inside it, whatever their number in
 * all documents; they are fetched, the newest RANK_WINDOW + 1 kept, and ranked. The slice starts at the newest
 * FIRST_SLICE documents; when it holds too few matches it is widened once by the density it showed (a word in one
 * document of 40 reads about 12,000 bucket entries), or to WIDEST_SLICE when it showed almost none, then to all
 * documents (a rare word: the GIN index reads its few matches); two or more whole words that filled no slice are read
 * month by month instead (byMonth: each word common, together rare, their whole lists are long). Raw SQL: tsquery
 * matching and ts_rank have no Kysely builder. Every statement's text is the same for a given reader's standing and type filter (the words and
 * buckets are parameters), so the prepared statement (core/db/prepared.ts) keeps one generic plan: the GIN bitmap.
 */
function postgresEngine(db: CoreDb, parts: Parts, access: (eb: any) => any, at: string): Engine | null {
  if (!toTsquery(parts, false)) return null
  const tsquery = (prefix: boolean) => sql`to_tsquery('english', ${toTsquery(parts, prefix)})`
  /** A query computed once per statement (an InitPlan): in a generic plan, \`to_tsquery($1)\` outside an index condition is parsed again for every row. */
  const once = (q: ReturnType<typeof tsquery>) => sql`(select ${q})`
  /** visible_from of the document `k` places from the newest visible one (null when there are fewer), known for a minute. */
  const boundary = async (k: number) => {
    let known = boundaries.get(db)
    if (!known) boundaries.set(db, (known = new Map()))
    const hit = known.get(k)
    if (hit && hit.until > Date.now()) return hit.since
    const c = VISIBLE_FROM_C
    const row = await db.selectFrom('search_documents').select(c.as('since')).where(c, '<=', at).orderBy(c, 'desc').offset(k).limit(1).executeTakeFirst()
    // Fewer documents than k: not kept, as probing them costs little and the next document may make enough.
    if (row) known.set(k, { since: row.since, until: Date.now() + 60_000 })
    return row?.since ?? null
  }
  /** How many documents the planner's statistics count (Infinity before the first ANALYZE), known for a minute. */
  const documentCount = async () => {
    const hit = counts.get(db)
    if (hit && hit.until > Date.now()) return hit.n
    const row = await sql<{ n: number }>`select reltuples::float8 as n from pg_class where oid = 'search_documents'::regclass`.execute(db)
    const n = Number(row.rows[0]?.n ?? -1)
    counts.set(db, { n: n >= 0 ? n : Infinity, until: Date.now() + 60_000 })
    return n >= 0 ? n : Infinity
  }
  /** The visible documents meeting every condition (of the given types), with what the window sorts and ranks them by. */
  const matching = (conditions: RawBuilder<boolean>[], types: string[] | undefined) => {
    let w = db.selectFrom('search_documents')
    for (const c of conditions) w = w.where(c)
    w = w.where(access)
    if (types) w = w.where('doc_type', 'in', types)
    return w.select(['id', 'doc_type', 'visible_from', sql<string>`search_documents.tsv`.as('tsv')])
  }
  /** The newest RANK_WINDOW + 1 visible documents meeting every condition, newest first, ranked for `q`. */
  const newest = async (conditions: RawBuilder<boolean>[], q: ReturnType<typeof tsquery>, types: string[] | undefined): Promise<Candidate[]> => {
    // ts_rank outside the LIMIT, for the rows kept only: inside, a plan whose query is a constant (a custom plan, or any
    // plan of a `$1::tsquery`) computed it below the sort for every match (596 rows, 10 ms at 1,000,000 posts).
    const kept = matching(conditions, types).orderBy('visible_from', 'desc').orderBy('id').limit(RANK_WINDOW + 1)
    const rows = await db
      .selectFrom(kept.as('w'))
      .select(['w.id', 'w.doc_type', sql<number>`ts_rank(w.tsv, ${once(q)})`.as('rank')])
      .orderBy('w.visible_from', 'desc')
      .orderBy('w.id')
      .execute()
    return rows.map(candidate)
  }
  /** The newest matches of `q` visible from `since` (null: all documents). */
  const slice = (q: ReturnType<typeof tsquery>, since: string | null, types: string[] | undefined) => {
    const buckets = since ? bucketsSince(since, at) : ''
    // A second condition rather than one tsquery ANDing both: the GIN index then checks the words and the buckets as
    // two keys, each item against one small tree, instead of the whole query per item (0.18 ms instead of 1.0 for
    // a word in 3.7% of 8,000 documents over 36 buckets).
    const conditions = [sql<boolean>`search_documents.tsv @@ ${q}`, ...(buckets ? [sql<boolean>`search_documents.tsv @@ ${buckets}::tsquery`] : [])]
    return newest(conditions, q, types)
  }
  /**
   * The newest matches of the whole words month by month, newest month first (migration 20261201T400000, decision
   * 0055), in one statement: for each month from the newest visible document's to the oldest's, the newest
   * RANK_WINDOW + 1 documents holding every word that month (the month words' GIN index intersects that month's lists
   * only), and a LIMIT that stops reading months once it has as many. The month's subquery refers to the month, so
   * the plan is a nested loop over the months in order, and the months after the window is full are never read. The
   * exact query (phrases in order) is checked against the search vector row by row, not through its index, which
   * would intersect the words' whole lists again.
   */
  const byMonth = async (types: string[] | undefined): Promise<Candidate[]> => {
    const q = once(tsquery(false))
    // The words as the exact query holds them: each of its lexemes is then one of the month query's, which so finds every
    // document the exact query matches (and a few more, which the exact query then drops).
    const words = parts.flatMap((p) => p.words.map(foldWord)).join(' ')
    // The limits written in the text: as parameters, the generic plan guesses a tenth of the rows for them, which made
    // it cost 50 times the custom plan's estimate (and PostgreSQL then compiled it with JIT, 300 ms).
    const WINDOW_LITERAL = sql.lit(RANK_WINDOW + 1)
    // The newest visible document's month and the oldest document's, probed in the same statement (an index seek each
    // in the "C" collation), so that a month begun a second ago is not skipped. A time the application did not write
    // (no "YYYY-MM" start) gives no months rather than an error.
    const c = VISIBLE_FROM_C
    const newestTime = db.selectFrom('search_documents').select(c.as('v')).where(c, '<=', at).orderBy(c, 'desc').limit(sql.lit(1))
    const oldestTime = db.selectFrom('search_documents').select(c.as('v')).where(c, 'is not', null).orderBy(c).limit(sql.lit(1))
    const monthOf = (probe: typeof newestTime) => sql`(select to_date(substr(v, 1, 7), 'YYYY-MM') from (${probe}) as p where v ~ '^[0-9]{4}-[0-9]{2}')`
    const inMonth = matching(
      [
        // The expression of the month words' index (migration 20261201T400000), so that the planner reads that index.
        sql<boolean>`openly_month_words(search_documents.tsv, search_documents.visible_from) @@ openly_month_query(${words}, to_char(m.month, 'YYYY-MM'))`,
        sql<boolean>`ts_match_vq(search_documents.tsv, ${q})`,
      ],
      types,
    )
    const kept = db
      .selectFrom(sql<{ month: string; i: number }>`generate_series(${monthOf(newestTime)}, ${monthOf(oldestTime)}, interval '-1 month') with ordinality`.as<'m'>(sql`m(month, i)`))
      .innerJoinLateral(inMonth.orderBy('visible_from', 'desc').orderBy('id').limit(WINDOW_LITERAL).as('d'), (join) => join.onTrue())
      .select(['d.id', 'd.doc_type', 'd.visible_from', 'd.tsv', 'm.i'])
      .limit(WINDOW_LITERAL)
    const rows = await db
      .selectFrom(kept.as('w'))
      .select(['w.id', 'w.doc_type', sql<number>`ts_rank(w.tsv, ${q})`.as('rank')])
      .orderBy('w.i')
      .orderBy('w.visible_from', 'desc')
      .orderBy('w.id')
      .execute()
    return rows.map(candidate)
  }
  /** Searches the newest matches of `q` in time slices, widened as the first one shows (see above). */
  const inSlices = async (q: ReturnType<typeof tsquery>, types: string[] | undefined, wholeWords: boolean): Promise<Candidate[]> => {
    const first = await boundary(FIRST_SLICE)
    if (!first) return slice(q, null, types)
    const inFirst = await slice(q, first, types)
    if (inFirst.length > RANK_WINDOW) return inFirst
    const size = widerSlice(inFirst.length, await documentCount())
    const wider = size ? await boundary(size) : null
    if (wider) {
      const inWider = await slice(q, wider, types)
      if (inWider.length > RANK_WINDOW) return inWider
    }
    // Two or more whole words too rarely together to fill a slice: month by month rather than their whole lists at once.
    if (wholeWords && parts.flatMap((p) => p.words).length >= 2) return byMonth(types)
    return slice(q, null, types)
  }
  /** The prefixes expanded into their most frequent words (lexemes.ts), asked once per search. */
  let expansion: ReturnType<typeof expandPrefixes> | null = null
  return {
    async window(prefix, types) {
      if (!prefix) return inSlices(tsquery(false), types, true)
      if (!prefixExpansion.enabled) return inSlices(tsquery(true), types, false)
      // The prefix as its words, searched whole: the GIN index skips to the slice's items. When the prefix starts more
      // words than were searched and those few do not fill the window, the partial match, as before, finds the rest.
      expansion ??= expandPrefixes(db, toTsquery(parts, true))
      const { text, exact, none } = await expansion
      if (none) return []
      const found = await inSlices(sql`${text}::tsquery`, types, false)
      return found.length > RANK_WINDOW || exact ? found : inSlices(tsquery(true), types, false)
    },
    async documents(keys) {
      const rows = await db.selectFrom('search_documents').select(['id', 'doc_type', 'doc_id', 'title', 'body', 'url', 'visible_from']).where('id', 'in', keys as string[]).execute()
      return rows.map(({ id, ...r }) => ({ ...r, key: id }))
    },
  }
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

/** Matches per document type among the window's rows. */
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
