/**
 * What the barriers wiki tests share: an app per dialect with people signed in (a platform admin who
 * moderates, members, an organisation admin and a member of that organisation), an organisation, and
 * helpers that work through the pages as people do.
 */
import assert from 'node:assert/strict'
import type { Dialect } from '../../src/core/db/database.ts'
import type { Config } from '../../src/config.ts'
import { csrfTokenIn, errorsIn, location } from './client.ts'
import { signedInWorld } from './world.ts'

const PEOPLE = ['admin', 'alice', 'bob', 'carol', 'orgadmin', 'orgmember'] as const
export type PersonName = (typeof PEOPLE)[number]

export { errorsIn, location }

export function barriersWorld(dialect: Dialect, options: { config?: Partial<Config> } = {}) {
  const { t, u, c, org } = signedInWorld(dialect, { prefix: 'wk', label: 'Wiki', people: PEOPLE, organisation: 'Wiki Borough Council', config: options.config })

  /** Writes a page through the form and returns its slug. */
  async function write(kind: 'barrier' | 'solution', title: string, fields: Record<string, string> = {}, who: PersonName = 'alice'): Promise<string> {
    const res = await c[who].submit(`/${kind}s/new`, { title, body: `Why ${title.toLowerCase()} matters.\n\nIt happens every week.`, themes: 'culture, tools', summary: '', ...fields })
    assert.equal(res.statusCode, 303, `write ${kind}: ${res.statusCode} ${errorsIn(res) || res.body.slice(0, 300)}`)
    return new RegExp(`^/${kind}s/([^/?]+)`).exec(location(res))![1]!
  }

  /** The edit form's fields as they are (the revision it starts from included). */
  async function editForm(kind: string, slug: string, who: PersonName = 'alice'): Promise<{ fields: Record<string, string>; csrf: string }> {
    const page = await c[who].get(`/${kind}s/${slug}/edit`)
    assert.equal(page.statusCode, 200, `edit form: ${page.statusCode}`)
    const value = (name: string) => new RegExp(`name="${name}"[^>]*value="([^"]*)"`).exec(page.body)?.[1] ?? ''
    const body = /<textarea[^>]*name="body"[^>]*>([^]*?)<\/textarea>/.exec(page.body)?.[1] ?? ''
    const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&')
    return { fields: { title: unescape(value('title')), body: unescape(body.replace(/^\n/, '')), themes: unescape(value('themes')), summary: '', base_revision: value('base_revision') }, csrf: csrfTokenIn(page.body)! }
  }

  async function entryRow(kind: string, slug: string) {
    return t.db.selectFrom('wiki_entries').selectAll().where('kind', '=', kind as 'barrier').where('slug', '=', slug).executeTakeFirstOrThrow()
  }

  return { t, u, c, org, db: () => t.db, write, editForm, entryRow }
}
