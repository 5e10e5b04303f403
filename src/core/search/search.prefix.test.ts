import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { sql, type Kysely } from 'kysely'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { ANONYMOUS } from '../access/policy.ts'
import { indexDocument, removeDocument, searchDocuments } from './search.ts'
import { compactLexemes, expandPrefixes, MAX_COMPLETIONS, prefixExpansion } from './lexemes.ts'

/**
 * Prefix searches (decision 0041): on PostgreSQL a prefix is expanded into its most frequent words from a table of the
 * index's words, searched whole; SQLite's FTS5 reads prefixes from its term index. Both give the same results here.
 */
const past = (i: number) => new Date(Date.parse('2026-01-01T00:00:00.000Z') + i * 60_000).toISOString()
const doc = (id: string, title: string, body: string, i = 0) => ({ type: 'organisation', id, title, body, url: `/organisations/${id}`, spaceId: null, visibleFrom: past(i) })
/** 20 words starting "zephyr" ("zephyrab" … "zephyrau"): the first in 6 documents, the next in 5, 4, 3, 2, the others in one each (35 in all). */
const suffixes = Array.from({ length: 20 }, (_, i) => `a${String.fromCharCode(98 + i)}`)
const documentsOf = (k: number) => Math.max(1, 6 - k)
const rarest = suffixes.at(-1)!

for (const dialect of testDialects()) {
  describe(`prefix searches on ${dialect}`, () => {
    let t: TestApp
    before(async () => {
      t = await buildTestApp(dialect)
      let n = 0
      for (const [k, s] of suffixes.entries()) for (let j = 0; j < documentsOf(k); j++) await indexDocument(t.app.db, doc(`z-${s}-${j}`, `Harbour notice ${j}`, `The zephyr${s} ferry timetable.`, n++))
      await indexDocument(t.app.db, doc('muller', 'Müllabfuhr in Altenbrück', 'Die Müllabfuhr kommt dienstags.', n++))
      await indexDocument(t.app.db, doc('play1', 'Playground repairs', 'The playground on Mill Lane reopens.', n++))
      await indexDocument(t.app.db, doc('play2', 'Playgroups', 'Two playgroups meet on Mondays: playgroup news.', n++))
    })
    after(async () => t.close())

    const search = (q: string) => searchDocuments(t.app.db, t.app.dialect, ANONYMOUS, q, { limit: 50 })
    const ids = async (q: string) => (await search(q)).hits.map((h) => h.id).sort()

    test('a prefix starting more words than are searched at once finds every document holding any of them', async () => {
      const all = suffixes.flatMap((s, k) => Array.from({ length: documentsOf(k) }, (_, j) => `z-${s}-${j}`))
      assert.ok(suffixes.length > MAX_COMPLETIONS)
      const result = await search('zephyr')
      assert.equal(result.total, all.length, 'the 16 most frequent words do not fill the window: the partial match finds the rest')
      assert.equal(result.capped, false)
      // The rarest word (one document) is found too.
      assert.ok((await ids('zephyr')).includes(`z-${rarest}-0`))
      assert.deepEqual(await ids(`zephyr${rarest}`), [`z-${rarest}-0`])
    })

    test('a prefix starting a few words finds them all, ranked as the partial match ranks them', async () => {
      assert.deepEqual(await ids('playgr'), ['play1', 'play2'])
      if (dialect === 'postgres') {
        const order = async () => (await search('playgr')).hits.map((h) => h.id)
        const expanded = await order()
        prefixExpansion.enabled = false
        try {
          assert.deepEqual(await order(), expanded, 'the same order without the expansion')
        } finally {
          prefixExpansion.enabled = true
        }
      }
    })

    test('a prefix starting no word finds nothing, without an error', async () => {
      assert.deepEqual(await ids('qzxv'), [])
      assert.deepEqual(await ids('playgr qzxv'), [])
    })

    test('accents are ignored in prefixes as in words', async () => {
      assert.deepEqual(await ids('mullab'), ['muller'])
      assert.deepEqual(await ids('Müllab'), ['muller'])
      assert.deepEqual(await ids('altenbru'), ['muller'])
    })

    if (dialect === 'postgres') {
      /** Documents holding a word: the folded count and the changes not yet folded. */
      const count = async (word: string) => {
        const { rows } = await sql<{ n: number | null }>`select (select coalesce(sum(documents), 0) from search_lexemes where lexeme = ${word}) + (select coalesce(sum(delta), 0) from search_lexeme_changes where lexeme = ${word}) as n`.execute(t.app.db)
        return Number(rows[0]?.n ?? 0)
      }

      test('counts follow documents indexed, changed and removed, before and after they are folded in', async () => {
        assert.equal(await count('zephyrab'), 6)
        await indexDocument(t.app.db, doc('kelp1', 'Kelpie sightings', 'A kelpie was seen.', 500))
        await indexDocument(t.app.db, doc('kelp2', 'More kelpie sightings', 'Kelpie again.', 501))
        assert.equal(await count('kelpi'), 2)
        await removeDocument(t.app.db, 'organisation', 'kelp1')
        assert.equal(await count('kelpi'), 1, 'a removed document no longer counts')
        await compactLexemes(t.app.db as unknown as Kysely<any>)
        assert.equal(await count('kelpi'), 1, 'the same once folded in')
        assert.equal(Number((await sql<{ n: string }>`select count(*) as n from search_lexeme_changes`.execute(t.app.db)).rows[0]!.n), 0)
        // Changed: the old word goes, the new one comes; an unchanged word is not counted twice.
        await indexDocument(t.app.db, doc('kelp2', 'More selkie sightings', 'Selkie again.', 501))
        assert.equal(await count('kelpi'), 0)
        assert.equal(await count('selki'), 1)
        assert.equal(await count('sight'), 1)
        await removeDocument(t.app.db, 'organisation', 'kelp2')
        await compactLexemes(t.app.db as unknown as Kysely<any>)
        const { rows } = await sql<{ n: string }>`select count(*) as n from search_lexemes where lexeme in ('kelpi', 'selki')`.execute(t.app.db)
        assert.equal(Number(rows[0]!.n), 0, 'words no document holds are dropped')
        assert.deepEqual(await ids('selki'), [])
      })

      test('two documents indexed at once, and a fold meanwhile, lose no count', async () => {
        // Both transactions hold their change uncommitted while the other writes, and a fold runs in between.
        let release!: () => void
        const bothWrote = new Promise<void>((r) => (release = r))
        let wrote = 0
        const write = (id: string) =>
          t.app.db.transaction().execute(async (trx) => {
            await indexDocument(trx, doc(id, 'Quokka count', 'Quokkas on the island.', 600))
            if (++wrote === 2) release()
            await bothWrote
            await compactLexemes(t.app.db as unknown as Kysely<any>)
          })
        await Promise.all([write('q1'), write('q2')])
        assert.equal(await count('quokka'), 2)
        await compactLexemes(t.app.db as unknown as Kysely<any>)
        assert.equal(await count('quokka'), 2)
        assert.deepEqual(await ids('quokk'), ['q1', 'q2'])
      })

      test('the expansion is the normalised query with each prefix as its most frequent words', async () => {
        const { text, exact } = await expandPrefixes(t.app.db, "'playgr':* & 'zephyr':*")
        assert.equal(exact, false, 'zephyr starts more words than are searched')
        assert.match(text, /^\( *'playground' \| 'playgroup' *\) & \('zephyrab' \| 'zephyrac' \|/)
        assert.equal(text.match(/zephyr/g)?.length, MAX_COMPLETIONS, 'the most frequent ones')
        assert.deepEqual(await expandPrefixes(t.app.db, "'qzxv':*"), { text: "'qzxv':*", exact: true, none: true })
        assert.equal((await expandPrefixes(t.app.db, "'playgr':*")).none, false)
      })
    }
  })
}
