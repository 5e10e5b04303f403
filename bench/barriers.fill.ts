/**
 * The barriers benchmark's data (bench/barriers.bench.ts), in its own file so a profile can load it too:
 * 1,000 barriers and 1,000 solutions with themes; one barrier with 200 revisions, 500 endorsements (100 of them
 * organisations') and 40 linked solutions.
 */
import type { Kysely } from 'kysely'
import type { Database } from '../src/database.ts'
import { createSession } from '../src/core/auth/sessions.ts'
import { renderMarkdown } from '../src/core/markdown/markdown.ts'

const PEOPLE = 600
export const PAGES = 1_000
export const REVISIONS = 200
export const ENDORSEMENTS = 500
export const LINKED = 40
const THEMES = ['procurement', 'security', 'culture', 'tools', 'legal', 'communications', 'time', 'collaboration']

async function chunks<T>(rows: T[], size: number, insert: (part: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += size) await insert(rows.slice(i, i + size))
}

const paragraph = (i: number) => `Teams in department ${i} cannot install the tools they need to work in the open, so they keep notes in private documents and share them by e-mail. Nobody outside the team sees what was tried.`

/** Fills the database; returns a signed-in reader's session token. */
export async function fill(db: Kysely<Database>): Promise<string> {
  const now = Date.now()
  const at = (ms: number) => new Date(ms).toISOString()
  await db.transaction().execute(async (trx) => {
    const people = Array.from({ length: PEOPLE }, (_, i) => ({ id: `u${i}`, email: `p${i}@bench.example`, email_verified_at: at(now - 400 * 86_400_000), password_hash: 'x', handle: `bench-${i}`, name: `Bench Person ${i}`, is_admin: 0, suspended_at: null, created_at: at(now - 400 * 86_400_000), updated_at: at(now) }))
    await chunks(people, 100, (part) => trx.insertInto('users').values(part).execute())
    await chunks(people, 100, (part) => trx.insertInto('profiles').values(part.map((p) => ({ user_id: p.id, role: '', bio: '', skills: '', interests: '', listed: 1, hidden_at: null, updated_at: p.updated_at }))).execute())
    const orgs = Array.from({ length: 100 }, (_, i) => ({ id: `o${i}`, slug: `org-${i}`, name: `Council ${i}`, type: 'local government' as const, country: 'United Kingdom', country_code: 'GB', identifier: '', website_domain: '', website_failures: 0, website_result: '', region: '', region_code: '', website: '', description: '', space_id: null, created_by: 'u0', hidden_at: null, created_at: at(now), updated_at: at(now) }))
    await trx.insertInto('organisations').values(orgs).execute()

    for (const kind of ['barrier', 'solution'] as const) {
      const entries = Array.from({ length: PAGES }, (_, i) => {
        const body = `${paragraph(i)}\n\n${paragraph(i + 1)}`
        const themes = [THEMES[i % THEMES.length]!, THEMES[(i * 3 + 1) % THEMES.length]!]
        return { id: `${kind[0]}${i}`, kind, slug: `${kind}-${i}`, title: `${kind === 'barrier' ? 'Barrier' : 'Solution'} number ${i}`, body, body_html: renderMarkdown(body), excerpt: paragraph(i), themes: themes.join(', '), search_text: `${kind} number ${i}\n${body}\n${themes.join(' ')}`.toLowerCase(), revision: 1, space_id: null, created_by: `u${i % PEOPLE}`, created_at: at(now - (PAGES - i) * 3_600_000), updated_at: at(now - (PAGES - i) * 3_600_000), hidden_at: null }
      })
      await chunks(entries, 100, (part) => trx.insertInto('wiki_entries').values(part).execute())
      await chunks(entries.flatMap((e) => e.themes.split(', ').map((theme) => ({ entry_id: e.id, kind, theme }))), 200, (part) => trx.insertInto('wiki_entry_themes').values(part).execute())
      await chunks(entries.map((e) => ({ id: `r-${e.id}-1`, entry_id: e.id, number: 1, title: e.title, body: e.body, themes: e.themes, summary: 'Wrote it', author_id: e.created_by, reverted_to: null, created_at: e.created_at })), 100, (part) => trx.insertInto('wiki_revisions').values(part).execute())
    }
    // The busy barrier: 200 revisions, each adding a sentence; 500 endorsements; 40 solutions.
    const busy = 'b500'
    let body = paragraph(500)
    const revisions = Array.from({ length: REVISIONS - 1 }, (_, k) => {
      body = `${body}${k % 10 === 9 ? '\n\n' : ' '}In week ${k + 2} we also found that sharing a link took ${k + 2} days.`
      return { id: `r-${busy}-${k + 2}`, entry_id: busy, number: k + 2, title: 'The busy barrier', body, themes: 'tools, security', summary: `Week ${k + 2}`, author_id: `u${k % PEOPLE}`, reverted_to: null, created_at: at(now - (REVISIONS - k) * 60_000) }
    })
    await chunks(revisions, 50, (part) => trx.insertInto('wiki_revisions').values(part).execute())
    await trx.updateTable('wiki_entries').set({ slug: 'busy-barrier', title: 'The busy barrier', body, body_html: renderMarkdown(body), revision: REVISIONS, updated_at: at(now) }).where('id', '=', busy).execute()
    const endorsements = Array.from({ length: ENDORSEMENTS }, (_, i) => (i < 100 ? { id: `n${i}`, entry_id: busy, endorser_key: `organisation:o${i}`, user_id: `u${i}`, organisation_id: `o${i}`, note: 'Across the council.', created_at: at(now - i * 1000) } : { id: `n${i}`, entry_id: busy, endorser_key: `person:u${i}`, user_id: `u${i}`, organisation_id: null, note: i % 3 ? '' : 'Same in our team.', created_at: at(now - i * 1000) }))
    await chunks(endorsements, 200, (part) => trx.insertInto('wiki_endorsements').values(part).execute())
    await trx.insertInto('wiki_links').values(Array.from({ length: LINKED }, (_, i) => ({ barrier_id: busy, solution_id: `s${i * 7}`, created_by: 'u1', created_at: at(now - i * 1000) }))).execute()
  })
  const { token } = await createSession(db, 'u599')
  return token
}
