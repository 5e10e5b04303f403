/**
 * Bulk-fills a database for benchmarks through the real tables (the same rows the modules write),
 * in batched inserts inside transactions. Deterministic: the same sizes give the same data.
 */
import type { Db } from '../src/core/db/database.ts'
import { createSession } from '../src/core/auth/sessions.ts'
import { markdownToText, renderMarkdown } from '../src/core/markdown/markdown.ts'

export interface Filled {
  people: number
  projects: number
  posts: number
  memberSessionToken: string
  projectPaths: string[]
  postPaths: string[]
  searchPaths: string[]
}

const WORDS = ['research', 'accessibility', 'procurement', 'open-data', 'content-design', 'ai', 'housing', 'transport', 'health', 'education', 'payments', 'identity', 'maps', 'forms', 'notifications', 'case-management', 'consent', 'archives', 'libraries', 'planning']
const THEMES = ['health', 'education', 'employment', 'democratic participation', 'migration', 'environment', 'housing', 'transport']
const PHASES = ['discovery', 'alpha', 'beta', 'live', 'retired'] as const
const BODIES = Array.from({ length: 20 }, (_, i) => {
  const a = WORDS[i % WORDS.length]!
  const b = WORDS[(i * 7 + 3) % WORDS.length]!
  return `## What we did\n\nWe ran ${i + 3} research sessions about **${a}** with residents and caseworkers, and paired with the ${b} team on the next release.\n\n- Tested the new ${a} journey with ${i + 5} people\n- Published our ${b} findings in the open\n- Fixed ${i + 2} accessibility issues found in the audit\n\n## What we learned\n\nPeople trust a service more when it explains what happens next. Plain words beat clever ones.\n\n## What's next\n\nWe will show the ${a} prototype at the show and tell, and start a discovery on ${b}.`
})
const RENDERED = BODIES.map((b) => ({ html: renderMarkdown(b), text: markdownToText(b) }))

async function insertChunks(db: Db, table: string, rows: Record<string, unknown>[], size = 400): Promise<void> {
  for (let i = 0; i < rows.length; i += size) await db.insertInto(table as any).values(rows.slice(i, i + size) as any).execute()
}

const iso = (base: number, i: number) => new Date(base + i * 60_000).toISOString()

/** Adds `sizes` more people, projects and posts to the database (`previous` continues numbering). */
export async function fillDatabase(db: Db, sizes: { people: number; projects: number; posts: number }, previous?: Filled): Promise<Filled> {
  const start = previous ?? { people: 0, projects: 0, posts: 0, memberSessionToken: '', projectPaths: [], postPaths: [], searchPaths: [] }
  const base = Date.parse('2025-06-01T00:00:00.000Z')
  await db.transaction().execute(async (trx) => {
    const people = Array.from({ length: sizes.people }, (_, k) => {
      const i = start.people + k
      return { id: `u${i}`, email: `person${i}@bench.example`, email_verified_at: iso(base, i), password_hash: 'scrypt$12$8$1$x$x', handle: `person-${i}`, name: `Bench Person ${i}`, role: 'Service designer', bio: '', skills: 'research', interests: 'open data', is_admin: 0, created_at: iso(base, i), updated_at: iso(base, i) }
    })
    await insertChunks(trx as Db, 'users', people, 300)
    if (sizes.projects) {
      await insertChunks(trx as Db, 'organisations', Array.from({ length: 50 }, (_, i) => ({ id: `o${i}`, slug: `bench-org-${i}`, name: `Bench Organisation ${i}`, type: 'local government', country: ['United Kingdom', 'Ireland', 'Sweden', 'Germany'][i % 4], region: '', website: '', description: 'A benchmark organisation.', space_id: null, hidden_at: null, created_by: 'u0', created_at: iso(base, i), updated_at: iso(base, i) })))
    }
    const projects = Array.from({ length: sizes.projects }, (_, k) => {
      const i = start.projects + k
      return { id: `p${i}`, slug: `bench-project-${i}`, name: `Bench project ${i}: ${WORDS[i % WORDS.length]}`, summary: `Making ${WORDS[i % WORDS.length]} simpler for everyone.`, problem: 'People find it hard.', audience: 'Residents', phase: PHASES[i % 5], looking_for: '', space_id: null, hidden_at: null, created_by: `u${i % 10_000}`, created_at: iso(base, i), updated_at: iso(base, i) }
    })
    await insertChunks(trx as Db, 'projects', projects, 300)
    await insertChunks(trx as Db, 'project_organisations', projects.map((p, k) => ({ project_id: p.id, organisation_id: `o${(start.projects + k) % 50}`, role: 'lead' })))
    await insertChunks(trx as Db, 'project_members', projects.flatMap((p, k) => [0, 1, 2].map((j) => ({ project_id: p.id, user_id: `u${((start.projects + k) * 3 + j) % 10_000}`, role: 'Team member', created_at: p.created_at }))))
    await insertChunks(trx as Db, 'project_tags', projects.map((p, k) => ({ project_id: p.id, kind: 'theme', value: THEMES[(start.projects + k) % THEMES.length] })))
    await insertChunks(trx as Db, 'search_documents', projects.map((p) => ({ id: `project:${p.id}`, doc_type: 'project', doc_id: p.id, title: p.name, body: `${p.summary} ${p.problem}`, url: `/projects/${p.slug}`, space_id: null, visible_from: p.created_at, updated_at: p.created_at })), 300)

    const total = start.posts + sizes.posts
    const posts = Array.from({ length: sizes.posts }, (_, k) => {
      const i = start.posts + k
      const body = RENDERED[i % RENDERED.length]!
      const t = new Date(base + Math.floor((i / Math.max(total, 1)) * 170 * 86400_000) + (i % 1000)).toISOString()
      return { id: `post${i}`, slug: `weeknotes-${i}`, title: `Weeknotes ${i}: ${WORDS[i % WORDS.length]} and ${WORDS[(i * 3) % WORDS.length]}`, body: BODIES[i % BODIES.length]!, body_html: body.html, summary: '', excerpt: body.text.slice(0, 200), learned: '', status: 'published', published_at: t, author_id: `u${i % 10_000}`, project_id: `p${i % 1_000}`, organisation_id: null, space_id: null, series_id: null, series_number: null, hidden_at: null, created_at: t, updated_at: t }
    })
    await insertChunks(trx as Db, 'posts', posts, 200)
    await insertChunks(trx as Db, 'post_authors', posts.map((p) => ({ post_id: p.id, user_id: p.author_id, position: 0 })))
    await insertChunks(trx as Db, 'post_tags', posts.flatMap((p, k) => [WORDS[(start.posts + k) % WORDS.length]!, WORDS[((start.posts + k) * 3 + 1) % WORDS.length]!].filter((v, j, a) => a.indexOf(v) === j).map((tag) => ({ post_id: p.id, tag }))))
    await insertChunks(trx as Db, 'search_documents', posts.map((p, k) => ({ id: `post:${p.id}`, doc_type: 'post', doc_id: p.id, title: p.title, body: RENDERED[(start.posts + k) % RENDERED.length]!.text, url: `/posts/${p.slug}`, space_id: null, visible_from: p.published_at, updated_at: p.updated_at })), 200)
  })
  const token = start.memberSessionToken || (await createSession(db, 'u1')).token
  const people = start.people + sizes.people
  const projects = start.projects + sizes.projects
  const posts = start.posts + sizes.posts
  return {
    people,
    projects,
    posts,
    memberSessionToken: token,
    projectPaths: Array.from({ length: 50 }, (_, i) => `/projects/bench-project-${(i * 19) % projects}`),
    postPaths: Array.from({ length: 50 }, (_, i) => `/posts/weeknotes-${(i * 1999) % posts}`),
    searchPaths: ['accessibility', 'open data', 'procurement research', '"plain words"', 'housing', 'caseworkers', 'payments identity', 'maps', 'consent forms', 'archives'].map((q) => `/search?q=${encodeURIComponent(q)}`),
  }
}
