/**
 * Challenges benchmark: a challenge taking ideas with 5,000 ideas and 100,000 votes, beside one with as many ideas
 * and no votes (the pair shows whether a page's cost grows with the votes) and one with 30 ideas and 5 votes (every
 * one shows a full first page of 25 cards), measured on the challenge page (most
 * votes first, newest, random), an idea page and the API's idea list, anonymous (whole-page cache) and signed
 * in (rendered every time), beside a bare Fastify hello-world. Prints figures; never passes or fails on time.
 *
 *   node bench/challenges.bench.ts        (or: npm run bench:challenges)
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

const PEOPLE = 2_000
const IDEAS = 5_000
const VOTES = 100_000
/** The quiet challenge: more ideas than one page holds, almost no votes. */
const QUIET_IDEAS = 30

async function chunks<T>(rows: T[], size: number, insert: (part: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += size) await insert(rows.slice(i, i + size))
}

async function fill(db: Kysely<Database>): Promise<{ token: string; idea: string }> {
  const now = Date.now()
  const at = (ms: number) => new Date(ms).toISOString()
  const day = 86_400_000
  await db.transaction().execute(async (trx) => {
    const people = Array.from({ length: PEOPLE }, (_, i) => ({ id: `u${i}`, email: `p${i}@bench.example`, email_verified_at: at(now - 400 * day), password_hash: 'x', handle: `bench-${i}`, name: `Bench Person ${i}`, is_admin: 0, suspended_at: null, created_at: at(now - 400 * day), updated_at: at(now) }))
    await chunks(people, 100, (part) => trx.insertInto('users').values(part).execute())
    await chunks(people, 100, (part) => trx.insertInto('profiles').values(part.map((p) => ({ user_id: p.id, role: '', bio: '', skills: '', interests: '', listed: 1, hidden_at: null, updated_at: p.updated_at }))).execute())
    const problem = 'About 1 in 20 **assisted collections** is missed. For someone who cannot move a full bin, that is a fortnight with rubbish in the kitchen. We want ideas that make misses rare.'
    const challenge = (id: string, slug: string) => ({ id, slug, title: `Fewer missed bins (${slug})`, summary: 'Help us miss no assisted collections.', problem, problem_html: renderMarkdown(problem), audience: 'People on assisted collection.', prize: 'A 12-week discovery.', organiser_kind: 'organisation' as const, organiser_id: 'o1', space_id: null, created_by: 'u0', ideas_open_at: at(now - 5 * day), review_at: at(now + 20 * day), shortlist_at: at(now + 30 * day), winners_at: at(now + 40 * day), closes_at: at(now + 50 * day), moved_phase: null, moved_at: null, hidden_at: null, created_at: at(now - 6 * day), updated_at: at(now - 6 * day) })
    await trx.insertInto('challenges').values([challenge('c1', 'big'), challenge('c2', 'small'), challenge('c3', 'unvoted')]).execute()
    const body = 'Crossing lights that change when someone waits, not on a timer. We tried it at one junction and waits fell by half.'
    const idea = (challengeId: string, i: number) => ({ id: `${challengeId}-i${i}`, challenge_id: challengeId, space_id: null, title: `Idea ${i}: lights that see walkers`, body, body_html: renderMarkdown(body), attachment_url: '', author_id: `u${i % PEOPLE}`, status: 'submitted' as const, win_reason: '', project_id: null, vote_count: 0, shuffle_key: (i * 7919) % 46337, revision: 1, hidden_at: null, created_at: at(now - 5 * day + i * 60_000), updated_at: at(now - 5 * day + i * 60_000) })
    // c3 has as many ideas as c1 and no votes: the pair isolates the votes' cost from the ideas'.
    const ideas = [...Array.from({ length: IDEAS }, (_, i) => idea('c1', i)), ...Array.from({ length: QUIET_IDEAS }, (_, i) => idea('c2', i)), ...Array.from({ length: IDEAS }, (_, i) => idea('c3', i))]
    await chunks(ideas, 100, (part) => trx.insertInto('challenge_ideas').values(part).execute())
    await chunks(ideas.map((i) => ({ idea_id: i.id, user_id: i.author_id, position: 0 })), 200, (part) => trx.insertInto('challenge_idea_authors').values(part).execute())
    // 100,000 votes: person p votes for 50 ideas, skewed so some ideas are far more popular.
    const votes: Array<{ idea_id: string; user_id: string; challenge_id: string; created_at: string }> = []
    for (let p = 0; p < PEOPLE; p++) for (let k = 0; k < VOTES / PEOPLE; k++) votes.push({ idea_id: `c1-i${(p * 31 + k * k * 17) % IDEAS}`, user_id: `u${p}`, challenge_id: 'c1', created_at: at(now) })
    const unique = [...new Map(votes.map((v) => [`${v.idea_id}|${v.user_id}`, v])).values()]
    await chunks(unique, 500, (part) => trx.insertInto('challenge_idea_votes').values(part).execute())
    const counts = new Map<string, number>()
    for (const v of unique) counts.set(v.idea_id, (counts.get(v.idea_id) ?? 0) + 1)
    for (const [id, n] of counts) await trx.updateTable('challenge_ideas').set({ vote_count: n }).where('id', '=', id).execute()
    const quiet = [['u1', 'c2-i0'], ['u2', 'c2-i0'], ['u3', 'c2-i0'], ['u1', 'c2-i1'], ['u2', 'c2-i1']].map(([user_id, idea_id]) => ({ idea_id: idea_id!, user_id: user_id!, challenge_id: 'c2', created_at: at(now) }))
    await trx.insertInto('challenge_idea_votes').values(quiet).execute()
    for (const [n, i] of [[3, 'c2-i0'], [2, 'c2-i1']] as const) await trx.updateTable('challenge_ideas').set({ vote_count: n }).where('id', '=', i).execute()
    console.log(`filled ${IDEAS.toLocaleString('en-GB')} ideas and ${unique.length.toLocaleString('en-GB')} votes`)
  })
  const { token } = await createSession(db, 'u1999')
  return { token, idea: '/challenges/big/ideas/c1-i7' }
}

const dir = mkdtempSync(join(tmpdir(), 'openly-bench-'))
const database = openDatabase({ databaseUrl: undefined, sqlitePath: join(dir, 'openly.sqlite') })
try {
  console.log(`Openly challenges benchmark: ${CONNECTIONS} connections, ${DURATION}s per page, SQLite, Node ${process.version}`)
  await migrate(database, modules)
  const { token, idea } = await fill(wholeDatabase(database))
  const helloChild = await start('bench/hello.ts', {})
  const hello = await measure(helloChild, 'hello-world (bare Fastify)', ['/'])
  helloChild.proc.kill('SIGTERM')
  const app = await start('bench/server.ts', { DATA_DIR: dir })
  const pages: Array<[string, string]> = [
    [`challenge, ${IDEAS} ideas, by votes`, '/challenges/big'],
    [`challenge, ${IDEAS} ideas, no votes, by votes`, '/challenges/unvoted'],
    [`challenge, ${QUIET_IDEAS} ideas, 5 votes, by votes`, '/challenges/small'],
    ['challenge, newest', '/challenges/big?sort=newest'],
    ['challenge, random (seeded)', '/challenges/big?sort=random&seed=1234'],
    ['an idea page (of the 100,000-vote challenge)', idea],
    ['an idea page (of the 5-vote challenge)', '/challenges/small/ideas/c2-i0'],
    ['API ideas by votes', '/api/v1/challenges/big/ideas?limit=50'],
  ]
  const anon = []
  const member = []
  for (const [name, path] of pages) anon.push(await measure(app, `${name} (anon)`, [path]))
  for (const [name, path] of pages) member.push(await measure(app, `${name} (signed in)`, [path], { cookie: `openly_session=${token}` }))
  print('anonymous readers (whole-page cache)', anon, hello)
  print('signed-in reader (rendered every time)', member, hello)
  console.log(`server RSS after the run: ${rssMb(app.pid).toFixed(0)} MB`)
  app.proc.kill('SIGTERM')
} finally {
  await database.close()
  rmSync(dir, { recursive: true, force: true })
}
