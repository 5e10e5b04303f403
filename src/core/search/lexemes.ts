import { sql, type Kysely } from 'kysely'
import type { CoreDb } from '../core.tables.ts'
import { defineJob } from '../jobs/jobs.ts'

/**
 * PostgreSQL's table of the search index's words (migration 20261130T440000, decision 0041): a prefix is expanded into
 * the words it starts, most frequent first, and those are searched as whole words, so the GIN index reads them inside
 * the time slice (skipping to the slice's items) instead of a partial match reading every item of every word the prefix
 * starts before intersecting (`playgr:*` at 1,000,000 posts: 36,000 items, 9.6 ms per slice).
 *
 * Counts are exact at every moment: search_lexemes plus the changes not yet folded into it. Writers only append
 * changes (a statement trigger, one row per word and statement), so two documents indexed at once never wait on each
 * other nor lose a count; the job below folds the changes every minute.
 */

/** A prefix is searched as at most this many of its words, the most frequent (decision 0041 for what that costs). */
export const MAX_COMPLETIONS = 16

/** Off only in bench/search.bench.ts, to measure the partial match beside the expansion in the same run. */
export const prefixExpansion = { enabled: true }

/** The highest code point: a prefix's range ends below the prefix followed by it (no word holds it, it is not a letter). */
const TOP = String.fromCodePoint(0x10ffff)

/**
 * The search's tsquery text as PostgreSQL normalises it (words stemmed as `to_tsquery('english', …)` does), with each
 * prefix operand `'playgr':*` replaced by its words `('playground' | 'playgroup')`. `exact` is false when some prefix
 * starts more than MAX_COMPLETIONS words, so the expansion holds its most frequent ones only. `none` is true when a
 * prefix starts no word at all: the query's parts are ANDed, so nothing can match. One statement: the normalised query, each prefix's
 * most frequent words from an index range in the "C" collation, and whether there are more.
 */
export async function expandPrefixes(db: CoreDb, tsquery: string): Promise<{ text: string; exact: boolean; none: boolean }> {
  const { rows } = await sql<{ t: string; prefix: string | null; lexeme: string | null; n: number }>`with q as (select to_tsquery('english', ${tsquery})::text as t)
    select q.t, p.prefix, x.lexeme, x.n from q
    left join lateral (select distinct m[1] as prefix from regexp_matches(q.t, '''([^'']+)'':\\*', 'g') as m) as p on true
    left join lateral (
      select lexeme, sum(n)::int as n from (
        select lexeme, documents as n from search_lexemes where lexeme >= p.prefix collate "C" and lexeme < (p.prefix || ${TOP}) collate "C"
        union all
        select lexeme, delta from search_lexeme_changes where lexeme >= p.prefix collate "C" and lexeme < (p.prefix || ${TOP}) collate "C"
      ) as w group by lexeme having sum(n) > 0 order by 2 desc, 1 limit ${MAX_COMPLETIONS + 1}
    ) as x on true`.execute(db)
  const text = rows[0]?.t ?? ''
  const words = new Map<string, string[]>()
  for (const r of rows) if (r.prefix !== null && r.lexeme !== null) words.set(r.prefix, [...(words.get(r.prefix) ?? []), r.lexeme])
  let exact = true
  let none = false
  const quote = (w: string) => `'${w.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`
  const expanded = text.replace(/'([^']+)':\*/g, (whole, prefix: string) => {
    const found = words.get(prefix)
    if (!found?.length) {
      none = true
      return whole
    }
    if (found.length > MAX_COMPLETIONS) exact = false
    return `(${found.slice(0, MAX_COMPLETIONS).map(quote).join(' | ')})`
  })
  return { text: expanded, exact, none }
}

/**
 * Folds the changes written since the last run into search_lexemes, in one statement (the changes it deletes are the
 * ones it adds: a change committed meanwhile waits for the next run), words in order so that two runs cannot deadlock;
 * a transaction-scoped advisory lock keeps a second run from waiting on the first's rows. Words no document holds any
 * more are removed.
 */
export async function compactLexemes(db: Kysely<any>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(hashtext('openly.search_lexemes')) as locked`.execute(trx)
    if (!rows[0]?.locked) return
    await sql`with moved as (delete from search_lexeme_changes returning lexeme, delta)
      insert into search_lexemes (lexeme, documents) select lexeme, sum(delta) from moved group by lexeme order by lexeme
      on conflict (lexeme) do update set documents = search_lexemes.documents + excluded.documents`.execute(trx)
    await sql`delete from search_lexemes where documents <= 0`.execute(trx)
  })
}

/**
 * Counts every word of the index again (ts_stat reads every document): for the migration, after a bulk load, and in
 * any later migration that recomputes the search vector (rewriting a generated column fires no trigger).
 */
export async function rebuildLexemes(db: Kysely<any>): Promise<void> {
  const rebuild = async (trx: Kysely<any>) => {
    await sql`lock table search_lexemes, search_lexeme_changes in exclusive mode`.execute(trx)
    await sql`truncate search_lexemes, search_lexeme_changes`.execute(trx)
    await sql`insert into search_lexemes (lexeme, documents) select word, ndoc from ts_stat('select tsv from search_documents') where strpos(word, ' ') = 0`.execute(trx)
  }
  // A migration runs inside its own transaction.
  await (db.isTransaction ? rebuild(db) : db.transaction().execute(rebuild))
}

/** Every minute, on PostgreSQL: the changes folded in (on SQLite there is no such table: nothing to do). */
export const compactLexemesJob = defineJob<Record<string, never>>({
  name: 'search.compact-lexemes',
  cron: '* * * * *',
  expireSeconds: 5 * 60,
  keepSeconds: 3600,
  // Nothing a reader sees changes: the counts only choose which words a prefix is searched as.
  changes: [],
  async run(_payload, { app }) {
    if (app.dialect === 'postgres') await compactLexemes(app.db as unknown as Kysely<any>)
  },
})
