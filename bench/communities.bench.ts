/**
 * Communities benchmark: one public community with a thread of 5,000 replies, and 1,000 public communities
 * for the list. Measures the thread's first and last page and /communities, anonymous (cached) and signed in
 * (rendered every time), beside a bare Fastify hello-world. Prints figures; never passes or fails on time.
 *
 *   node bench/communities.bench.ts        (or: npm run bench:communities)
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Kysely } from 'kysely'
import { openDatabase } from '../src/core/db/database.ts'
import { wholeDatabase, type Database } from '../src/database.ts'
import { migrate } from '../src/core/db/setup.ts'
import { createSession } from '../src/core/auth/sessions.ts'
import { renderMarkdown } from '../src/core/markdown/markdown.ts'
import { modules } from '../src/modules.ts'
import { CONNECTIONS, DURATION, measure, print, rssMb, start } from './harness.ts'

const COMMUNITIES = 1_000
const REPLIES = 5_000

async function fill(db: Kysely<Database>): Promise<{ threadPath: string; token: string }> {
  const t0 = Date.parse('2026-01-01T00:00:00.000Z')
  const at = (i: number) => new Date(t0 + i * 60_000).toISOString()
  await db.transaction().execute(async (trx) => {
    const people = Array.from({ length: 200 }, (_, i) => ({ id: `u${i}`, email: `p${i}@bench.example`, email_verified_at: at(i), password_hash: 'x', handle: `bench-${i}`, name: `Bench Person ${i}`, is_admin: 0, suspended_at: null, created_at: at(i), updated_at: at(i) }))
    for (let i = 0; i < people.length; i += 100) await trx.insertInto('users').values(people.slice(i, i + 100)).execute()
    for (let i = 0; i < people.length; i += 100) await trx.insertInto('profiles').values(people.slice(i, i + 100).map((p) => ({ user_id: p.id, role: '', bio: '', skills: '', interests: '', listed: 1, hidden_at: null, updated_at: p.updated_at }))).execute()
    for (let i = 0; i < COMMUNITIES; i += 200) {
      const ids = Array.from({ length: Math.min(200, COMMUNITIES - i) }, (_, k) => i + k)
      await trx.insertInto('spaces').values(ids.map((n) => ({ id: `c${n}`, kind: 'community', visibility: 'public' as const, name: `Community of practice ${n}`, path: `/communities/community-${n}`, created_at: at(n) }))).execute()
      await trx.insertInto('communities').values(ids.map((n) => ({ id: `c${n}`, slug: `community-${n}`, name: `Community of practice ${n}`, description: 'People who share what works, across organisations.', themes: 'open data', join_policy: 'open' as const, created_by: 'u0', created_at: at(n), updated_at: at(n), last_activity_at: at(n) }))).execute()
      await trx.insertInto('space_members').values(ids.map((n) => ({ space_id: `c${n}`, user_id: 'u0', role: 'host' as const, status: 'active' as const, created_at: at(n), updated_at: at(n) }))).execute()
    }
    const html = renderMarkdown('Thanks for sharing this. We tried the same in our council and **it worked** once we involved the caseworkers early.')
    await trx.insertInto('threads').values({ id: 't1', space_id: 'c0', title: 'How do you run show and tells across organisations?', body: 'Share what works.', body_html: renderMarkdown('Share what works.'), author_id: 'u0', pinned: 0, locked: 0, hidden_at: null, reply_count: REPLIES, last_activity_at: at(REPLIES), edited_at: null, created_at: at(0), submission_id: null }).execute()
    for (let i = 0; i < REPLIES; i += 250) {
      const rows = Array.from({ length: Math.min(250, REPLIES - i) }, (_, k) => ({ id: `r${i + k}`, thread_id: 't1', space_id: 'c0', body: 'Thanks for sharing this.', body_html: html, author_id: `u${(i + k) % 200}`, quote_reply_id: null, hidden_at: null, edited_at: null, created_at: at(i + k + 1), position: i + k + 1, submission_id: null }))
      await trx.insertInto('replies').values(rows).execute()
    }
  })
  const { token } = await createSession(db, 'u1')
  return { threadPath: '/communities/community-0/threads/t1', token }
}

const dir = mkdtempSync(join(tmpdir(), 'openly-bench-'))
const database = openDatabase({ databaseUrl: undefined, sqlitePath: join(dir, 'openly.sqlite') })
try {
  console.log(`Openly communities benchmark: ${CONNECTIONS} connections, ${DURATION}s per page, SQLite, Node ${process.version}`)
  await migrate(database, modules)
  const { threadPath, token } = await fill(wholeDatabase(database))
  console.log(`filled ${COMMUNITIES.toLocaleString('en-GB')} communities and a thread of ${REPLIES.toLocaleString('en-GB')} replies`)
  const helloChild = await start('bench/hello.ts', {})
  const hello = await measure(helloChild, 'hello-world (bare Fastify)', ['/'])
  helloChild.proc.kill('SIGTERM')
  const app = await start('bench/server.ts', { DATA_DIR: dir })
  const pages: Array<[string, string]> = [
    ['thread, first page', threadPath],
    ['thread, last page', `${threadPath}?page=last`],
    ['/communities', '/communities'],
  ]
  const anon = []
  const member = []
  for (const [name, path] of pages) anon.push(await measure(app, `${name} (anonymous)`, [path]))
  for (const [name, path] of pages) member.push(await measure(app, `${name} (signed in)`, [path], { cookie: `openly_session=${token}` }))
  print('anonymous readers (whole-page cache)', anon, hello)
  print('signed-in member (rendered every time)', member, hello)
  console.log(`server RSS after the run: ${rssMb(app.pid).toFixed(0)} MB`)
  app.proc.kill('SIGTERM')
} finally {
  await database.close()
  rmSync(dir, { recursive: true, force: true })
}
