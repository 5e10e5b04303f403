/**
 * Bulk-fills a database for benchmarks through the real tables (the same rows the modules write),
 * in batched inserts inside transactions. Deterministic: the same sizes give the same data.
 */
import { refillRecentIndex } from '../src/core/search/recent.ts'
import { rebuildLexemes } from '../src/core/search/lexemes.ts'
import { sql, type Kysely } from 'kysely'
import type { Database } from '../src/database.ts'
import type { DatabaseHandle } from '../src/core/db/database.ts'

type Db = Kysely<Database>
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
// A vocabulary of topics so that, as in real weeknotes, any one topic word appears in a few percent of posts
// (each post draws 4 of 160 topics), not in all of them.
const TOPICS = ['accessibility', 'procurement', 'caseworkers', 'payments', 'identity', 'archives', 'libraries', 'planning', 'parking', 'licensing', 'allotments', 'cemeteries', 'footpaths', 'flooding', 'recycling', 'potholes', 'streetlights', 'tenancies', 'homelessness', 'fostering', 'adoption', 'safeguarding', 'immunisation', 'screening', 'prescriptions', 'appointments', 'referrals', 'discharge', 'ambulances', 'pharmacies', 'dentistry', 'midwifery', 'admissions', 'exclusions', 'apprenticeships', 'bursaries', 'transcripts', 'timetables', 'playgrounds', 'leisure', 'museums', 'festivals', 'grants', 'procurements', 'contracts', 'invoices', 'pensions', 'benefits', 'allowances', 'childcare', 'eligibility', 'translation', 'interpreting', 'wayfinding', 'signage', 'chatbots', 'transcription', 'forecasting', 'dashboards', 'spreadsheets', 'metadata', 'taxonomy', 'glossary', 'onboarding', 'offboarding', 'rostering', 'scheduling', 'inspections', 'complaints', 'compliments', 'feedback', 'surveys', 'interviews', 'personas', 'prototypes', 'sketching', 'storyboards', 'wireframes', 'usability', 'readability', 'captions', 'transcripts2', 'keyboard', 'screenreaders', 'contrast', 'magnification', 'dyslexia', 'autism', 'dementia', 'carers', 'volunteers', 'youth', 'elders', 'refugees', 'veterans', 'farmers', 'fishers', 'miners', 'nurses', 'teachers', 'librarians', 'planners', 'surveyors', 'wardens', 'rangers', 'firefighters', 'paramedics', 'coastguard', 'lifeboats', 'bridges', 'tunnels', 'ferries', 'buses', 'trams', 'cycling', 'walking', 'scooters', 'charging', 'solar', 'heatpumps', 'insulation', 'retrofit', 'biodiversity', 'wetlands', 'woodlands', 'rivers', 'beaches', 'airquality', 'noise', 'odour', 'pollinators', 'compost', 'foodbanks', 'markets', 'tourism', 'hospitality', 'manufacturing', 'broadband', 'mobile', 'satellites', 'sensors', 'drones', 'cameras', 'lidar', 'mapping', 'addresses', 'postcodes', 'boundaries', 'elections', 'ballots', 'petitions', 'assemblies', 'juries', 'consultations', 'budgets', 'audits', 'risks', 'incidents', 'outages', 'backups', 'migrations', 'upgrades', 'retirements', 'decommissioning']
const BODY_TEMPLATES = [
  (a: string, b: string, c: string, d: string, n: number) => `## What we did\n\nWe ran ${n} research sessions about **${a}** with residents and staff, and paired with the ${b} team on the next release.\n\n- Tested the new ${c} journey with ${n + 2} people\n- Published our ${d} findings in the open\n\n## What we learned\n\nPeople trust a service more when it explains what happens next.\n\n## What's next\n\nShow the ${a} prototype at show and tell, then start a discovery on ${d}.`,
  (a: string, b: string, c: string, d: string, n: number) => `## This week\n\nA quieter week. We mapped the ${a} process end to end (${n} steps, 4 hand-offs) and found the ${b} form asks for the same thing three times.\n\n## Learned\n\nThe ${c} data is better than we feared. Plain words beat clever ones.\n\n## Next\n\nWrite up ${d} options and share them with partners.`,
  (a: string, b: string, c: string, d: string, n: number) => `We shipped the ${a} beta to ${n * 10} users. Support calls about ${b} dropped by a third.\n\n> "I did it on my phone on the bus." A resident\n\nWe are still stuck on ${c}: the supplier contract makes changes slow. Next week: ${d} and a retro.`,
  (a: string, b: string, c: string, d: string, n: number) => `## Weeknotes\n\n1. Ran a workshop on ${a} with ${n} councils\n2. Reused another team's ${b} pattern instead of building our own\n3. Started a review of the ${c} pages\n\nWhat we learned: working in the open brought us three offers of help on ${d}.`,
]
function body(i: number): string {
  return BODY_TEMPLATES[i % BODY_TEMPLATES.length]!(...topicsOf(i), (i % 9) + 3)
}
function topicsOf(i: number): [string, string, string, string] {
  const pick = (k: number) => TOPICS[(i * 7 + k * 41 + Math.floor(i / TOPICS.length) * 13) % TOPICS.length]!
  return [pick(0), pick(1), pick(2), pick(3)]
}

// Rendering Markdown (markdown-it, then the sanitiser) was 40% of the fill's CPU. A post's body is one of 36 shapes
// (4 templates × 9 numbers) with four topic words put in, and the words are plain lowercase letters and digits, so
// each shape is rendered once with placeholder words and the post's words replace them: the same HTML and text as
// renderMarkdown and markdownToText give (bench/fill.test.ts compares them).
const PLACEHOLDERS = ['qqxaqq', 'qqxbqq', 'qqxcqq', 'qqxdqq'] as const
const shapes = new Map<number, { html: string; text: string }>()
/** The HTML and plain text of post i's body, as renderMarkdown and markdownToText give them. */
export function renderedBody(i: number): { html: string; text: string } {
  const key = (i % BODY_TEMPLATES.length) * 9 + (i % 9)
  let shape = shapes.get(key)
  if (!shape) {
    const source = BODY_TEMPLATES[i % BODY_TEMPLATES.length]!(...PLACEHOLDERS, (i % 9) + 3)
    shape = { html: renderMarkdown(source), text: markdownToText(source) }
    shapes.set(key, shape)
  }
  const words = topicsOf(i)
  const put = (s: string) => s.replace(/qqx([a-d])qq/g, (_, k: string) => words[k.charCodeAt(0) - 97]!)
  return { html: put(shape.html), text: put(shape.text) }
}
/** The Markdown source of post i's body. */
export const bodySource = body

async function insertChunks(db: Db, table: string, rows: Record<string, unknown>[], size = 400): Promise<void> {
  for (let i = 0; i < rows.length; i += size) await db.insertInto(table as any).values(rows.slice(i, i + size) as any).execute()
}

const iso = (base: number, i: number) => new Date(base + i * 60_000).toISOString()

/** Adds `sizes` more people, projects and posts to the database (`previous` continues numbering). */
/**
 * `timeline`: how many posts the 170 days hold when filled in parts (the final count), so each part continues the
 * timeline where the last stopped and the table holds posts in time order, as a live site appends them; without it a
 * part spreads its posts over the whole timeline again and the parts interleave in time.
 */
export async function fillDatabase(db: Db, sizes: { people: number; projects: number; posts: number; timeline?: number }, previous?: Filled): Promise<Filled> {
  const start = previous ?? { people: 0, projects: 0, posts: 0, memberSessionToken: '', projectPaths: [], postPaths: [], searchPaths: [] }
  const base = Date.parse('2025-06-01T00:00:00.000Z')
  await db.transaction().execute(async (trx) => {
    const people = Array.from({ length: sizes.people }, (_, k) => {
      const i = start.people + k
      return { id: `u${i}`, email: `person${i}@bench.example`, email_verified_at: iso(base, i), password_hash: 'scrypt$12$8$1$x$x', handle: `person-${i}`, name: `Bench Person ${i}`, is_admin: 0, suspended_at: null, created_at: iso(base, i), updated_at: iso(base, i) }
    })
    await insertChunks(trx as Db, 'users', people, 300)
    await insertChunks(trx as Db, 'profiles', people.map((p) => ({ user_id: p.id, role: 'Service designer', bio: '', skills: 'research', interests: 'open data', listed: 1, hidden_at: null, updated_at: p.updated_at })), 300)
    if (sizes.projects) {
      await insertChunks(trx as Db, 'organisations', Array.from({ length: 50 }, (_, i) => ({ id: `o${i}`, slug: `bench-org-${i}`, name: `Bench Organisation ${i}`, type: 'local government', country: ['United Kingdom', 'Ireland', 'Sweden', 'Germany'][i % 4], region: '', website: '', description: 'A benchmark organisation.', space_id: null, hidden_at: null, created_by: 'u0', created_at: iso(base, i), updated_at: iso(base, i) })))
    }
    const projects = Array.from({ length: sizes.projects }, (_, k) => {
      const i = start.projects + k
      return { id: `p${i}`, slug: `bench-project-${i}`, name: `Bench project ${i}: ${WORDS[i % WORDS.length]}`, summary: `Making ${WORDS[i % WORDS.length]} simpler for everyone.`, problem: 'People find it hard.', audience: 'Residents', phase: PHASES[i % 5], looking_for: '', space_id: null, hidden_at: null, created_by: `u${i % 10_000}`, created_at: iso(base, i), updated_at: iso(base, i) }
    })
    await insertChunks(trx as Db, 'projects', projects, 300)
    await insertChunks(trx as Db, 'project_organisations', projects.map((p, k) => ({ project_id: p.id, organisation_id: `o${(start.projects + k) % 50}`, role: 'lead', status: 'confirmed' })))
    await insertChunks(trx as Db, 'project_members', projects.flatMap((p, k) => [0, 1, 2].map((j) => ({ project_id: p.id, user_id: `u${((start.projects + k) * 3 + j) % 10_000}`, role: 'Team member', created_at: p.created_at }))))
    await insertChunks(trx as Db, 'project_tags', projects.map((p, k) => ({ project_id: p.id, kind: 'theme', value: THEMES[(start.projects + k) % THEMES.length] })))
    await insertChunks(trx as Db, 'search_documents', projects.map((p) => ({ id: `project:${p.id}`, doc_type: 'project', doc_id: p.id, title: p.name, body: `${p.summary} ${p.problem}`, url: `/projects/${p.slug}`, space_id: null, visible_from: p.created_at, updated_at: p.created_at })), 300)

    const total = Math.max(sizes.timeline ?? 0, start.posts + sizes.posts)
    const posts = Array.from({ length: sizes.posts }, (_, k) => {
      const i = start.posts + k
      const source = body(i)
      const { html, text } = renderedBody(i)
      const t = new Date(base + Math.floor((i / Math.max(total, 1)) * 170 * 86400_000) + (i % 1000)).toISOString()
      return { id: `post${i}`, slug: `weeknotes-${i}`, title: `Weeknotes ${i}: ${TOPICS[(i * 7) % TOPICS.length]} and ${TOPICS[(i * 7 + 41) % TOPICS.length]}`, body: source, body_html: html, summary: '', excerpt: text.slice(0, 200), text, learned: '', status: 'published', published_at: t, author_id: `u${i % 10_000}`, project_id: `p${i % 1_000}`, organisation_id: null, space_id: null, series_id: null, series_number: null, hidden_at: null, created_at: t, updated_at: t }
    })
    await insertChunks(trx as Db, 'posts', posts.map(({ text, ...row }) => row), 200)
    await insertChunks(trx as Db, 'post_authors', posts.map((p) => ({ post_id: p.id, user_id: p.author_id, position: 0 })))
    await insertChunks(trx as Db, 'post_tags', posts.flatMap((p, k) => [WORDS[(start.posts + k) % WORDS.length]!, WORDS[((start.posts + k) * 3 + 1) % WORDS.length]!].filter((v, j, a) => a.indexOf(v) === j).map((tag) => ({ post_id: p.id, tag, published_at: p.published_at }))))
    await insertChunks(trx as Db, 'search_documents', posts.map((p, k) => ({ id: `post:${p.id}`, doc_type: 'post', doc_id: p.id, title: p.title, body: p.text, url: `/posts/${p.slug}`, space_id: null, visible_from: p.published_at, updated_at: p.updated_at })), 200)
  })
  const token = start.memberSessionToken || (await createSession(db, 'u1')).token
  return filledAlready(start.posts + sizes.posts, token, start.people + sizes.people, start.projects + sizes.projects)
}

/** What a database filled earlier holds (the sizes it was filled with), with a fresh session of its member. */
export function filledAlready(posts: number, session: { token: string } | string, people = 10_000, projects = 1_000): Filled {
  return {
    people,
    projects,
    posts,
    memberSessionToken: typeof session === 'string' ? session : session.token,
    projectPaths: Array.from({ length: 50 }, (_, i) => `/projects/bench-project-${(i * 19) % projects}`),
    postPaths: Array.from({ length: 50 }, (_, i) => `/posts/weeknotes-${(i * 1999) % posts}`),
    searchPaths: ['accessibility', 'procurement', 'caseworkers research', '"plain words"', 'flooding', 'allotments', 'payments identity', 'mapping', 'consultations', 'archives'].map((q) => `/search?q=${encodeURIComponent(q)}`),
  }
}

/** The tables a fill writes most rows to: their secondary indexes are built once after a bulk load (SQLite). */
const BULK_TABLES = ['posts', 'post_authors', 'post_tags', 'search_documents', 'users', 'profiles']

/**
 * Runs `work` (fills) as a bulk load. On SQLite, where a million posts took 22 s of CPU per 100,000 with every index
 * and the search index kept row by row: the secondary indexes of the bulk tables are dropped and built again
 * afterwards from their own SQL (a sort instead of a million B-tree inserts), the search-index trigger is dropped
 * and the new documents indexed by one INSERT … SELECT, and the page cache is 256 MB while it runs (the indexes
 * outgrow the default 2 MB). The schema, rows and search index are the same as a row-by-row fill gives. PostgreSQL:
 * see bulkLoadPostgres.
 */
export async function bulkLoad<T>(database: DatabaseHandle, work: () => Promise<T>): Promise<T> {
  if (database.dialect !== 'sqlite') return bulkLoadPostgres(database, work)
  const db = database.db
  const indexes = (await sql<{ name: string; sql: string }>`select name, sql from sqlite_master where type = 'index' and sql is not null and tbl_name in (${sql.join(BULK_TABLES)})`.execute(db)).rows
  const trigger = (await sql<{ sql: string }>`select sql from sqlite_master where type = 'trigger' and name = 'search_documents_ai'`.execute(db)).rows[0]?.sql
  // The newest-documents index (decision 0033) is filled again afterwards, from the newest documents only.
  const recent = (await sql<{ sql: string }>`select sql from sqlite_master where type = 'trigger' and name = 'search_recent_ai'`.execute(db)).rows[0]?.sql
  const { rowid } = (await sql<{ rowid: number }>`select coalesce(max(rowid), 0) as rowid from search_documents`.execute(db)).rows[0]!
  await sql`pragma cache_size = -262144`.execute(db)
  for (const index of indexes) await sql`drop index ${sql.id(index.name)}`.execute(db)
  if (trigger) await sql`drop trigger search_documents_ai`.execute(db)
  if (recent) await sql`drop trigger search_recent_ai`.execute(db)
  try {
    return await work()
  } finally {
    await db.transaction().execute(async (trx) => {
      if (trigger) {
        await sql`insert into search_fts(rowid, title, body) select rowid, title, body from search_documents where rowid > ${rowid}`.execute(trx)
        await sql.raw(trigger).execute(trx)
      }
      if (recent) {
        await refillRecentIndex(trx)
        await sql.raw(recent).execute(trx)
      }
      for (const index of indexes) await sql.raw(index.sql).execute(trx)
    })
    await sql`pragma cache_size = -2000`.execute(db)
    await sql`pragma wal_checkpoint(truncate)`.execute(db)
  }
}

/**
 * PostgreSQL: the secondary indexes of the bulk tables (not those behind a primary key or unique constraint, which the
 * inserts need) are dropped and built again afterwards from their own definitions, with 512 MB to sort in: a million
 * posts' GIN entries inserted one document at a time went through the index's pending list and cost most of the fill.
 * The rows still arrive by multi-row INSERTs of a few hundred (fillDatabase), one transaction per call.
 */
async function bulkLoadPostgres<T>(database: DatabaseHandle, work: () => Promise<T>): Promise<T> {
  const db = database.db
  const indexes = (
    await sql<{ indexname: string; indexdef: string }>`select i.indexname, i.indexdef from pg_indexes i
      where i.schemaname = current_schema() and i.tablename in (${sql.join(BULK_TABLES)})
      and not exists (select 1 from pg_constraint c where c.conname = i.indexname and c.connamespace = (select oid from pg_namespace where nspname = current_schema()))
      order by i.indexname`.execute(db)
  ).rows
  for (const index of indexes) await sql`drop index ${sql.id(index.indexname)}`.execute(db)
  // The word counts (decision 0041) are counted again afterwards in one pass, rather than appended per statement.
  const counted = (await sql<{ tgname: string }>`select tgname from pg_trigger where tgrelid = 'search_documents'::regclass and tgname like 'search_lexemes_%'`.execute(db)).rows.map((r) => r.tgname)
  for (const trigger of counted) await sql`alter table search_documents disable trigger ${sql.id(trigger)}`.execute(db)
  try {
    return await work()
  } finally {
    await db.transaction().execute(async (trx) => {
      await sql`set local maintenance_work_mem = '512MB'`.execute(trx)
      for (const index of indexes) await sql.raw(index.indexdef).execute(trx)
      for (const trigger of counted) await sql`alter table search_documents enable trigger ${sql.id(trigger)}`.execute(trx)
      if (counted.length) await rebuildLexemes(trx)
    })
  }
}
