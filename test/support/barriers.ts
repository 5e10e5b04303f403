/**
 * What the barriers wiki tests share: an app per dialect with people signed in (a platform admin who
 * moderates, members, an organisation admin and a member of that organisation), an organisation, and
 * helpers that work through the pages as people do.
 */
import assert from 'node:assert/strict'
import { after, before } from 'node:test'
import type { LightMyRequestResponse } from 'fastify'
import type { Dialect } from '../../src/core/db/database.ts'
import type { Config } from '../../src/config.ts'
import { buildTestApp, type TestApp } from './app.ts'
import { TestClient, csrfTokenIn } from './client.ts'
import { createUser, signInAs, type TestUser } from './factories.ts'

const PEOPLE = ['admin', 'alice', 'bob', 'carol', 'orgadmin', 'orgmember'] as const
export type PersonName = (typeof PEOPLE)[number]

export const location = (res: LightMyRequestResponse) => String(res.headers.location ?? '')
/** The error messages a page shows, for assertion messages. */
export const errorsIn = (res: LightMyRequestResponse) => (res.body.match(/govuk-error-message[^]*?<\/p>/g) ?? []).join(' ').replace(/<[^>]+>/g, '')

export function barriersWorld(dialect: Dialect, options: { config?: Partial<Config> } = {}) {
  const t = {} as TestApp
  const u = {} as Record<PersonName, TestUser>
  const c = {} as Record<PersonName | 'anonymous', TestClient>
  const org = { id: '', slug: '' }

  before(async () => {
    Object.assign(t, await buildTestApp(dialect, { config: options.config }))
    for (const name of PEOPLE) {
      u[name] = await createUser(t.db, { handle: `wk-${name}-${dialect}`, name: `Wiki ${name}`, isAdmin: name === 'admin' })
      c[name] = new TestClient(t.app)
      await signInAs(t.db, c[name], u[name].id)
    }
    c.anonymous = new TestClient(t.app)
    const made = await c.orgadmin.submit('/organisations/new', { name: `Wiki Borough Council ${dialect}`, type: 'local government', country: 'United Kingdom', region: 'Dorset' })
    assert.equal(made.statusCode, 303, `organisation: ${made.body.slice(0, 300)}`)
    org.slug = location(made).split('/').pop()!
    org.id = (await t.db.selectFrom('organisations').select('id').where('slug', '=', org.slug).executeTakeFirstOrThrow()).id
    await t.db.insertInto('organisation_members').values({ organisation_id: org.id, user_id: u.orgmember.id, role: 'member', created_at: new Date().toISOString() }).execute()
  })
  after(async () => t.close?.())

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
