/**
 * The hot bench's pages beyond posts and projects (decision 0034): a public community's thread with 30 replies, a
 * challenge taking ideas with 60 ideas and votes, a barrier and a solution with endorsements, and 100 practical
 * actions, written through the modules' own functions as people would (bench/fill.ts's people u20–u79). Idempotent:
 * a database that has them already is only read.
 */
import type { Kysely } from 'kysely'
import type { Database } from '../src/database.ts'
import type { Db } from '../src/core/db/database.ts'
import type { Actor } from '../src/core/access/policy.ts'
import { spaceFacts } from '../src/core/access/can.ts'
import { setMembership } from '../src/core/access/spaces.ts'
import { renderMarkdown } from '../src/core/markdown/markdown.ts'
import { accessFor, createCommunity } from '../src/modules/communities/communities.ts'
import { findCommunityById } from '../src/modules/communities/communities.queries.ts'
import { createReply, createThread } from '../src/modules/communities/discussions.ts'
import { findThread } from '../src/modules/communities/discussions.queries.ts'
import { createEntry } from '../src/modules/barriers/barriers.ts'
import { endorse } from '../src/modules/barriers/endorsements.ts'
import { logAction } from '../src/modules/actions/actions.ts'

export interface ReaderPages {
  thread: string
  challenge: string
  idea: string
  barrier: string
  solution: string
}

const person = (n: number): Actor & { userId: string } => ({ userId: `u${n}`, isAdmin: false })

async function pathsOf(db: Kysely<Database>): Promise<ReaderPages | null> {
  const space = await db.selectFrom('spaces').select('id').where('path', '=', '/communities/bench-practice').executeTakeFirst()
  if (!space) return null
  const thread = await db.selectFrom('threads').select('id').where('space_id', '=', space.id).executeTakeFirstOrThrow()
  const idea = await db.selectFrom('challenge_ideas').select('id').where('challenge_id', '=', 'bench-challenge').orderBy('id').executeTakeFirstOrThrow()
  const entry = (kind: 'barrier' | 'solution') => db.selectFrom('wiki_entries').select('slug').where('kind', '=', kind).where('created_by', '=', 'u20').executeTakeFirstOrThrow()
  return { thread: `/communities/bench-practice/threads/${thread.id}`, challenge: '/challenges/bench-challenge', idea: `/challenges/bench-challenge/ideas/${idea.id}`, barrier: `/barriers/${(await entry('barrier')).slug}`, solution: `/solutions/${(await entry('solution')).slug}` }
}

export async function fillReaderPages(whole: Kysely<Database>): Promise<ReaderPages> {
  const known = await pathsOf(whole)
  if (known) return known
  const db = whole as unknown as Db
  const { id: spaceId } = await createCommunity(db, person(20), { name: 'Bench practice', description: 'People who share what works.', themes: [], join_policy: 'open', visibility: 'public' })
  for (let n = 21; n < 30; n++) await setMembership(whole, spaceId, `u${n}`, 'member', 'active')
  const access = async (n: number) => accessFor(person(n), (await findCommunityById(db, spaceId))!, await spaceFacts(db, person(n), spaceId))
  const { id: threadId } = await createThread(db, person(20), await access(20), { title: 'How do you run show and tells across organisations?', body: 'Share what works, with **examples**.', submission_id: '' })
  for (let i = 0; i < 30; i++) {
    const n = 21 + (i % 9)
    await createReply(db, person(n), await access(n), (await findThread(db, threadId))!, { body: `Reply ${i}: we record ours and post the *link* in the channel.`, quote_reply_id: '', submission_id: '' })
  }

  // A challenge taking ideas, as challenges.bench.ts writes it (its rows: forms would need an organiser's session).
  const at = (ms: number) => new Date(ms).toISOString()
  const now = Date.now()
  const day = 86_400_000
  const problem = 'About 1 in 20 **assisted collections** is missed. We want ideas that make misses rare.'
  await whole.insertInto('challenges').values({ id: 'bench-challenge', slug: 'bench-challenge', title: 'Fewer missed bins', summary: 'Help us miss no assisted collections.', problem, problem_html: renderMarkdown(problem), audience: 'People on assisted collection.', prize: 'A 12-week discovery.', organiser_kind: 'organisation', organiser_id: 'o1', space_id: null, created_by: 'u20', ideas_open_at: at(now - 5 * day), review_at: at(now + 20 * day), shortlist_at: at(now + 30 * day), winners_at: at(now + 40 * day), closes_at: at(now + 50 * day), moved_phase: null, moved_at: null, hidden_at: null, created_at: at(now - 6 * day), updated_at: at(now - 6 * day) }).execute()
  const body = 'Crossing lights that change when someone waits, not on a timer.'
  const ideas = Array.from({ length: 60 }, (_, i) => ({ id: `bench-idea-${String(i).padStart(2, '0')}`, challenge_id: 'bench-challenge', space_id: null, title: `Idea ${i}: lights that see walkers`, body, body_html: renderMarkdown(body), attachment_url: '', author_id: `u${20 + (i % 60)}`, status: 'submitted' as const, win_reason: '', project_id: null, vote_count: 3, shuffle_key: (i * 7919) % 46337, revision: 1, hidden_at: null, created_at: at(now - 5 * day + i * 60_000), updated_at: at(now - 5 * day + i * 60_000) }))
  await whole.insertInto('challenge_ideas').values(ideas).execute()
  await whole.insertInto('challenge_idea_authors').values(ideas.map((i) => ({ idea_id: i.id, user_id: i.author_id, position: 0 }))).execute()
  await whole.insertInto('challenge_idea_votes').values(ideas.flatMap((i, k) => [0, 1, 2].map((v) => ({ idea_id: i.id, user_id: `u${100 + ((k + v * 7) % 50)}`, challenge_id: 'bench-challenge', created_at: at(now) })))).execute()

  const barrier = await createEntry(db, person(20), 'barrier', { title: 'Buying a small tool takes months', body: 'Procurement treats a £20 tool like a £2m contract.', themes: ['procurement'], summary: '' })
  const solution = await createEntry(db, person(20), 'solution', { title: 'A low-value purchase route for trials', body: 'A card and a one-page form for trials under £500.', themes: ['procurement'], summary: '' })
  for (let n = 30; n < 50; n++) {
    await endorse(db, person(n), barrier, { endorser: 'person', note: 'We face this too.' })
    await endorse(db, person(n), solution, { endorser: 'person', note: 'This worked for us.' })
  }
  for (let i = 0; i < 100; i++) await logAction(db, person(20 + (i % 60)), { text: `Practical action ${i}: ran a show and tell`, url: '', project: '' })
  return (await pathsOf(whole))!
}
