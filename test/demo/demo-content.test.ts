/**
 * The demo reads like people working, not a template: no sentence is used twice across posts and comments,
 * and discussions, replies, comments and library items are spread over past months, not stamped "now".
 */
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { demoDatabase } from '../support/demo.ts'
import { testDialects } from '../support/databases.ts'
import type { DatabaseHandle } from '../../src/core/db/database.ts'
import { wholeDatabase } from '../../src/database.ts'

/** Sentences of Markdown text: headings, list markers and links' addresses left out. */
function sentences(markdown: string): string[] {
  return markdown
    .replace(/^#+ .*$/gm, '')
    .replace(/^\s*(?:[-*]|\d+\.)\s+/gm, '')
    .replace(/\]\([^)]*\)/g, ']')
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => s.trim())
    .filter((s) => s.split(/\s+/).length >= 4)
}

for (const dialect of testDialects()) {
  describe(`demo content on ${dialect}`, () => {
    let database: DatabaseHandle
    before(async () => {
      database = await demoDatabase(dialect)
    })
    after(async () => database.close())

    test('no sentence appears twice across posts and comments', async () => {
      const db = wholeDatabase(database)
      const posts = await db.selectFrom('posts').select(['slug', 'title', 'body', 'learned']).execute()
      const comments = await db.selectFrom('comments').select(['id', 'body']).execute()
      const seen = new Map<string, string>()
      const repeats: string[] = []
      const texts = [...posts.map((p) => ({ where: p.slug, text: `${p.body}\n${p.learned}` })), ...comments.map((c) => ({ where: `comment ${c.id}`, text: c.body }))]
      for (const { where, text } of texts) {
        for (const s of new Set(sentences(text))) {
          const first = seen.get(s)
          if (first && first !== where) repeats.push(`“${s}” in ${first} and ${where}`)
          seen.set(s, first ?? where)
        }
      }
      assert.ok(seen.size > 250, `${seen.size} distinct sentences`)
      assert.deepEqual(repeats, [])
      const headlines = posts.map((p) => p.title.replace(/^.* weeknotes \d+: /, ''))
      assert.equal(new Set(headlines).size, headlines.length, 'every weeknote has its own headline')
    })

    test('discussions, replies, comments and library items are spread over past months', async () => {
      const db = wholeDatabase(database)
      const now = Date.now()
      const day = 86_400_000
      for (const [what, rows] of [
        ['threads', await db.selectFrom('threads').select('created_at').execute()],
        ['replies', await db.selectFrom('replies').select('created_at').execute()],
        ['comments', await db.selectFrom('comments').select('created_at').execute()],
        ['library items', await db.selectFrom('documents').select('created_at').execute()],
        ['communities', await db.selectFrom('communities').select('created_at').execute()],
      ] as const) {
        const times = rows.map((r) => Date.parse(r.created_at))
        assert.ok(times.length >= 3, `${what}: ${times.length}`)
        assert.ok(times.every((t) => t < now - day), `${what} are all in the past, not stamped now`)
        const days = new Set(times.map((t) => Math.floor(t / day)))
        assert.ok(days.size >= Math.min(3, times.length), `${what} fall on ${days.size} different days`)
        assert.ok(Math.max(...times) - Math.min(...times) > 30 * day, `${what} span more than a month`)
      }
      // A reply never comes before its thread.
      const early = await db.selectFrom('replies').innerJoin('threads', 'threads.id', 'replies.thread_id').select(['replies.created_at as r', 'threads.created_at as t']).execute()
      assert.ok(early.every((x) => x.r > x.t))
    })
  })
}
