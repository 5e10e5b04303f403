/**
 * Fills a database with one big published charter for the charters benchmark (bench/charters.bench.ts): rows
 * as the charters module writes them, in batched inserts inside one transaction. Deterministic.
 */
import type { Kysely } from 'kysely'
import type { Database } from '../src/database.ts'
import { createSession } from '../src/core/auth/sessions.ts'
import { renderMarkdown } from '../src/core/markdown/markdown.ts'

export const SECTIONS = 40
export const AMENDMENTS = 2_000
export const ACCEPTED = 300
const REJECTED = 200
export const ORGANISATIONS = 2_000
export const PEOPLE = 18_000
export const VOTES_EACH = 3

const WORDS = 'we publish what we learn every week where anyone can read it and we share code designs research and templates so that other public bodies can reuse them instead of paying again'.split(' ')
function text(seed: number, words: number): string {
  const out: string[] = []
  for (let i = 0; i < words; i++) out.push(WORDS[(seed * 7 + i * 13 + Math.floor(i / 5)) % WORDS.length]!)
  const sentence = out.join(' ')
  return `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}.`
}

async function insertChunks(db: Kysely<Database>, table: keyof Database, rows: Record<string, unknown>[], size = 400): Promise<void> {
  for (let i = 0; i < rows.length; i += size) await db.insertInto(table).values(rows.slice(i, i + size) as never).execute()
}

/** Fills the charter; returns its slug, an open amendment's number with comments, and a member's session token. */
export async function fillCharter(db: Kysely<Database>): Promise<{ slug: string; amendment: number; token: string }> {
  const t0 = Date.parse('2026-01-01T00:00:00.000Z')
  const at = (i: number) => new Date(t0 + i * 60_000).toISOString()
  const slug = 'bench-charter'
  await db.transaction().execute(async (trx) => {
    const users = Array.from({ length: PEOPLE + 1 }, (_, i) => ({ id: `u${i}`, email: `p${i}@bench.example`, email_verified_at: at(i), password_hash: 'x', handle: `bench-${i}`, name: `Bench Person ${i}`, is_admin: i === 0 ? 1 : 0, suspended_at: null, trusted_at: null, created_at: at(i), updated_at: at(i) }))
    await insertChunks(trx, 'users', users, 300)
    await insertChunks(trx, 'profiles', users.map((u) => ({ user_id: u.id, role: '', bio: '', skills: '', interests: '', listed: 1, hidden_at: null, updated_at: u.updated_at })), 300)
    const countries = ['United Kingdom', 'Ireland', 'Sweden', 'Germany', 'Italy', 'Netherlands']
    await insertChunks(trx, 'organisations', Array.from({ length: ORGANISATIONS }, (_, i) => ({ id: `o${i}`, slug: `bench-org-${i}`, name: `Bench Organisation ${i}`, type: i % 3 ? 'local government' : 'health', country: countries[i % countries.length]!, region: '', website: '', description: '', space_id: null, hidden_at: null, created_by: 'u0', created_at: at(i), updated_at: at(i) })), 300)

    const versions = 1 + ACCEPTED
    await trx.insertInto('charters').values({ id: 'c1', slug, title: 'Bench Open Working Charter', introduction: text(1, 60), status: 'published', current_version: versions, amendment_count: AMENDMENTS, space_id: null, created_by: 'u0', created_at: at(0), updated_at: at(AMENDMENTS), published_at: at(1), closed_at: null }).execute()
    await trx.insertInto('charter_editors').values({ charter_id: 'c1', user_id: 'u0', added_by: 'u0', created_at: at(0) }).execute()
    await insertChunks(trx, 'charter_sections', Array.from({ length: SECTIONS }, (_, s) => ({ id: `s${s}`, charter_id: 'c1', position: (s + 1) * 1024, created_at: at(0) })))
    // Version 1 has every section; version v (2…301) rewrites section v % 40 (accepted amendment v - 1).
    const texts: Record<string, unknown>[] = []
    const current = new Map<number, Record<string, unknown>>()
    for (let s = 0; s < SECTIONS; s++) {
      const row = { id: `t${s}-1`, charter_id: 'c1', section_id: `s${s}`, heading: `Commitment ${s + 1}: ${text(s, 4).slice(0, -1)}`, body: `${text(s, 70)}\n\n${text(s + 100, 50)}`, from_version: 1, to_version: null as number | null, created_at: at(0) }
      texts.push(row)
      current.set(s, row)
    }
    const versionRows: Record<string, unknown>[] = [{ charter_id: 'c1', number: 1, title: 'Bench Open Working Charter', introduction: text(1, 60), summary: 'First draft', amendment_id: null, created_by: 'u0', created_at: at(0) }]
    const amendments: Record<string, unknown>[] = []
    for (let n = 1; n <= AMENDMENTS; n++) {
      const s = n % SECTIONS
      const accepted = n <= ACCEPTED
      const rejected = !accepted && n <= ACCEPTED + REJECTED
      const base = current.get(s)!
      const body = `${text(n, 72)}\n\n${text(n + 100, 50)}`
      amendments.push({ id: `a${n}`, charter_id: 'c1', number: n, kind: 'change', section_id: `s${s}`, after_section_id: null, base_text_id: base.id, heading: '', body, reason: text(n + 7, 30), status: accepted ? 'accepted' : rejected ? 'rejected' : 'open', conflict: 0, votes_for: VOTES_EACH - 1, votes_against: 1, author_id: `u${1 + (n % PEOPLE)}`, created_at: at(n), updated_at: at(n), decided_by: accepted || rejected ? 'u0' : null, decided_at: accepted || rejected ? at(n + 1) : null, reply: rejected ? 'Thank you, we keep the current words.' : '', result_version: accepted ? n + 1 : null, hidden_at: null })
      if (accepted) {
        const v = n + 1
        base.to_version = v
        const row = { id: `t${s}-${v}`, charter_id: 'c1', section_id: `s${s}`, heading: base.heading, body, from_version: v, to_version: null as number | null, created_at: at(n + 1) }
        texts.push(row)
        current.set(s, row)
        versionRows.push({ charter_id: 'c1', number: v, title: 'Bench Open Working Charter', introduction: text(1, 60), summary: `Amendment ${n} accepted: section rewritten`, amendment_id: `a${n}`, created_by: 'u0', created_at: at(n + 1) })
      }
    }
    await insertChunks(trx, 'charter_section_texts', texts, 200)
    await insertChunks(trx, 'charter_versions', versionRows, 300)
    await insertChunks(trx, 'charter_amendments', amendments, 150)
    const votes: Record<string, unknown>[] = []
    for (let n = 1; n <= AMENDMENTS; n++) for (let k = 0; k < VOTES_EACH; k++) votes.push({ amendment_id: `a${n}`, user_id: `u${1 + ((n * 7 + k * 101) % PEOPLE)}`, vote: k === 0 ? 'against' : 'for', created_at: at(n), updated_at: at(n) })
    await insertChunks(trx, 'charter_amendment_votes', votes, 400)
    const html = renderMarkdown('I agree with the direction, but could we say **who** publishes the notes?')
    await insertChunks(trx, 'charter_amendment_comments', Array.from({ length: 20 }, (_, i) => ({ id: `cm${i}`, amendment_id: 'a1000', charter_id: 'c1', author_id: `u${i + 1}`, body: 'I agree.', body_html: html, created_at: at(1000 + i), hidden_at: null })))

    const signatures: Record<string, unknown>[] = []
    for (let i = 0; i < ORGANISATIONS; i++) {
      const v = 2 + (i % versions)
      signatures.push({ id: `so${i}`, charter_id: 'c1', signatory_key: `organisation:o${i}`, kind: 'organisation', user_id: 'u0', organisation_id: `o${i}`, show_name: 1, commitment: i % 2 ? text(i, 20) : '', status: i % 50 === 0 ? 'withdrawn' : 'active', version_signed: Math.min(v, versions), version_confirmed: i % 3 ? versions : Math.min(v, versions), signed_at: at(3000 + i), confirmed_at: at(3000 + i), withdrawn_at: i % 50 === 0 ? at(30000) : null, updated_at: at(3000 + i), name_key: `bench organisation ${i}` })
    }
    for (let i = 1; i <= PEOPLE; i++) {
      signatures.push({ id: `sp${i}`, charter_id: 'c1', signatory_key: `person:u${i}`, kind: 'person', user_id: `u${i}`, organisation_id: null, show_name: i % 10 ? 1 : 0, commitment: i % 4 ? '' : text(i, 15), status: 'active', version_signed: versions, version_confirmed: i % 5 ? versions : versions - 1, signed_at: at(5000 + i), confirmed_at: at(5000 + i), withdrawn_at: null, updated_at: at(5000 + i), name_key: `bench person ${i}` })
    }
    await insertChunks(trx, 'charter_signatures', signatures, 200)
  })
  const { token } = await createSession(db, 'u1')
  return { slug, amendment: 1000, token }
}

