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
import type { Dialect } from '../../src/core/db/database.ts'
import type { Config } from '../../src/config.ts'
import type { LightMyRequestResponse } from 'fastify'
import { TestClient, csrfTokenIn, location } from './client.ts'
import { signedInWorld } from './world.ts'

const PEOPLE = ['editor', 'alice', 'bob', 'carol', 'orgadmin', 'orgmember', 'stranger'] as const
export type PersonName = (typeof PEOPLE)[number]

export { location }

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
  const { t, u, c, org } = signedInWorld(dialect, { prefix: 'ch', label: 'Charter', people: PEOPLE, organisation: 'Pledge Borough Council', config: options.config })

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
