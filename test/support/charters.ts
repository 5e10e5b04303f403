/**
 * What the charters tests share (src/modules/charters/*.test.ts, one file per section of the module): an app
 * per dialect with people signed in (a platform admin who edits charters, members, an organisation admin),
 * an organisation, and helpers that work through the pages as people do.
 *
 * ```ts
 * describe(`charters on ${dialect}`, () => {
 *   const w = chartersWorld(dialect)
 *   test('…', async () => { const slug = await w.startCharter('A charter') })
 * })
 * ```
 */
import assert from 'node:assert/strict'
import { after, before } from 'node:test'
import type { LightMyRequestResponse } from 'fastify'
import type { Dialect } from '../../src/core/db/database.ts'
import type { Config } from '../../src/config.ts'
import { buildTestApp, type TestApp } from './app.ts'
import { TestClient, csrfTokenIn } from './client.ts'
import { createUser, signInAs, type TestUser } from './factories.ts'

const PEOPLE = ['editor', 'alice', 'bob', 'carol', 'orgadmin', 'orgmember', 'stranger'] as const
export type PersonName = (typeof PEOPLE)[number]

export const location = (res: LightMyRequestResponse) => String(res.headers.location ?? '')

/** Three sections, in the "## Heading" form the start form takes. */
export const SECTIONS = [
  '## Work in the open by default',
  'We publish what we learn every week, where anyone can read it.',
  '',
  '## Share what we build',
  'Code, designs and research are reusable by other public bodies.',
  '',
  '## Ask for help early',
  'We say what we are stuck on, so others can help.',
].join('\n')

export function chartersWorld(dialect: Dialect, options: { config?: Partial<Config> } = {}) {
  const t = {} as TestApp
  const u = {} as Record<PersonName, TestUser>
  const c = {} as Record<PersonName | 'anonymous', TestClient>
  const org = { id: '', slug: '' }

  before(async () => {
    Object.assign(t, await buildTestApp(dialect, { config: options.config }))
    for (const name of PEOPLE) {
      u[name] = await createUser(t.db, { handle: `ch-${name}-${dialect}`, name: `Charter ${name}`, isAdmin: name === 'editor' })
      c[name] = new TestClient(t.app)
      await signInAs(t.db, c[name], u[name].id)
    }
    c.anonymous = new TestClient(t.app)
    const made = await c.orgadmin.submit('/organisations/new', { name: `Pledge Borough Council ${dialect}`, type: 'local government', country: 'United Kingdom', region: 'Dorset' })
    assert.equal(made.statusCode, 303, `organisation: ${made.body.slice(0, 300)}`)
    org.slug = location(made).split('/').pop()!
    org.id = (await t.db.selectFrom('organisations').select('id').where('slug', '=', org.slug).executeTakeFirstOrThrow()).id
    await t.db.insertInto('organisation_members').values({ organisation_id: org.id, user_id: u.orgmember.id, role: 'member', created_at: new Date().toISOString() }).execute()
  })
  after(async () => t.close?.())

  /** Starts a charter through the form (as the platform admin) and returns its slug. */
  async function startCharter(title: string, sections = SECTIONS, introduction = 'Why we commit to working in the open.'): Promise<string> {
    const res = await c.editor.submit('/charters/new', { title, introduction, sections })
    assert.equal(res.statusCode, 303, `start charter: ${res.statusCode} ${res.body.slice(0, 500)}`)
    return /^\/charters\/([^/?]+)/.exec(location(res))![1]!
  }

  /** The current sections of a charter: lasting ids, in order. */
  async function sectionIds(slug: string): Promise<string[]> {
    const page = await c.anonymous.get(`/charters/${slug}`)
    return [...page.body.matchAll(/<section class="openly-charter-section" id="section-([^"]+)"/g)].map((m) => m[1]!)
  }

  /** Proposes an amendment through the form and returns its number. */
  async function propose(slug: string, who: PersonName, fields: Record<string, string>): Promise<number> {
    const res = await c[who].submit(`/charters/${slug}/amendments/new`, fields)
    assert.equal(res.statusCode, 303, `propose: ${res.statusCode} ${(res.body.match(/govuk-error-message[^]*?<\/p>/g) ?? []).join(' ')}`)
    return Number(/\/amendments\/(\d+)/.exec(location(res))![1])
  }

  async function decide(slug: string, number: number, decision: 'accept' | 'reject', reply = '', who: PersonName = 'editor') {
    return c[who].submit(`/charters/${slug}/amendments/${number}`, { decision, reply }, `/charters/${slug}/amendments/${number}/decision`)
  }

  async function publish(slug: string) {
    const res = await c.editor.submit(`/charters/${slug}/manage`, {}, `/charters/${slug}/publish`)
    assert.equal(res.statusCode, 303, `publish: ${res.body.slice(0, 300)}`)
  }

  async function charterRow(slug: string) {
    return t.db.selectFrom('charters').selectAll().where('slug', '=', slug).executeTakeFirstOrThrow()
  }

  async function notifications(userId: string, kind: string) {
    return t.db.selectFrom('notifications').selectAll().where('user_id', '=', userId).where('kind', '=', kind).orderBy('created_at', 'desc').execute()
  }

  /** Loads a form page, then sends `count` identical posts to `action` at once (a double click, two tabs). */
  async function concurrently(client: TestClient, page: string, action: string, fields: Record<string, string>, count = 5): Promise<LightMyRequestResponse[]> {
    const form = await client.get(page)
    const token = csrfTokenIn(form.body)
    assert.ok(token, `no CSRF token on ${page} (${form.statusCode})`)
    const submission = /name="_submission" value="([^"]+)"/.exec(form.body)?.[1]
    return Promise.all(Array.from({ length: count }, () => client.post(action, { ...fields, _csrf: token, ...(submission && !('_submission' in fields) ? { _submission: submission } : {}) })))
  }

  return { t, u, c, org, db: () => t.db, startCharter, sectionIds, propose, decide, publish, charterRow, notifications, concurrently }
}
