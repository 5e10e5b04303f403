/**
 * What the communities tests share (src/modules/communities/*.test.ts, one file per section of the
 * module): an app per dialect with six people signed in and an SMTP mailbox, and the helpers the
 * tests use to create communities, start threads and upload files through the pages.
 *
 * ```ts
 * describe(`communities on ${dialect}`, () => {
 *   const { t, u, c, create } = communitiesWorld(dialect)
 *   test('…', async () => { const slug = await create('Circle', 'open', 'public') })
 * })
 * ```
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { before, after } from 'node:test'
import type { Dialect } from '../../src/core/db/database.ts'
import { newId } from '../../src/core/db/ids.ts'
import { buildTestApp, type TestApp } from './app.ts'
import { TestClient, csrfTokenIn, location } from './client.ts'
import { createUser, signInAs, type TestUser } from './factories.ts'
import { startMailbox, type Mailbox } from './mailbox.ts'

export const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64')
export const pdf = (text: string, pad = 0) =>
  Buffer.from(`%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% ${text}\n${'x'.repeat(pad)}\ntrailer << /Root 1 0 R >>\n%%EOF\n`)
/** The upload limit the test app runs with (UPLOAD_MAX_BYTES). */
export const MAX = 20_000

export { location }

/** Posts a multipart form the way a browser does: CSRF token from the form page, fields, then the file. */
export async function upload(t: TestApp, client: TestClient, slug: string, fields: Record<string, string>, file: { name: string; type: string; data: Buffer } | null, withToken = true) {
  const form = await client.get(`/communities/${slug}/library/upload`)
  const boundary = `----openlytest${newId()}`
  const part = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`
  const head = (withToken ? part('_csrf', csrfTokenIn(form.body) ?? '') : '') + Object.entries(fields).map(([k, v]) => part(k, v)).join('')
  const chunks: Buffer[] = [Buffer.from(head)]
  if (file) chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`), file.data, Buffer.from('\r\n'))
  chunks.push(Buffer.from(`--${boundary}--\r\n`))
  return t.app.inject({
    method: 'POST',
    url: `/communities/${slug}/library/upload`,
    payload: Buffer.concat(chunks),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
  })
}

const PEOPLE = ['host', 'alice', 'bob', 'carol', 'stranger', 'admin'] as const
type Person = (typeof PEOPLE)[number]

/**
 * Registers `before`/`after` hooks in the calling `describe` and returns its world. `t`, `mailbox`,
 * `u` and `c` are filled in place by `before`, so destructure them at describe time and use them in tests.
 */
export function communitiesWorld(dialect: Dialect) {
  const t = {} as TestApp
  const mailbox = {} as Mailbox
  const u = {} as Record<Person, TestUser>
  const c = {} as Record<Person | 'anon', TestClient>
  const dataDir = mkdtempSync(join(tmpdir(), 'openly-communities-'))

  before(async () => {
    Object.assign(mailbox, await startMailbox())
    Object.assign(t, await buildTestApp(dialect, { config: { dataDir, uploadMaxBytes: MAX, smtpUrl: mailbox.url } }))
    for (const name of PEOPLE) {
      u[name] = await createUser(t.app.db, { handle: `cm-${name}-${dialect}`, name: `Cm ${name}`, email: `${name}-${dialect}@communities.example`, isAdmin: name === 'admin' })
      c[name] = new TestClient(t.app)
      await signInAs(t.app.db, c[name], u[name].id)
    }
    c.anon = new TestClient(t.app)
  })
  after(async () => {
    await t.close?.()
    await mailbox.close?.()
    rmSync(dataDir, { recursive: true, force: true })
  })

  const db = () => t.app.db
  const spaceIdOf = async (slug: string) => (await t.db.selectFrom('communities').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id
  const membership = async (slug: string, userId: string) => {
    const row = await t.db.selectFrom('space_members').select(['role', 'status']).where('space_id', '=', await spaceIdOf(slug)).where('user_id', '=', userId).executeTakeFirst()
    return row ? { role: row.role, status: row.status } : null
  }
  const notifications = (userId: string, kind: string) => t.db.selectFrom('notifications').select(['text', 'url']).where('user_id', '=', userId).where('kind', '=', kind).execute()
  async function create(name: string, join_policy: string, visibility: string): Promise<string> {
    const res = await c.host.submit('/communities/new', { name, description: `About ${name}.`, themes: 'open data, weeknotes', join_policy, visibility })
    assert.equal(res.statusCode, 303, res.body.slice(0, 400))
    return /^\/communities\/([^/?]+)/.exec(location(res))![1]!
  }
  async function startThread(slug: string, client: TestClient, title: string, body: string): Promise<string> {
    const res = await client.submit(`/communities/${slug}/threads/new`, { title, body })
    assert.equal(res.statusCode, 303, res.body.slice(0, 600))
    return /\/threads\/([^/?#]+)/.exec(location(res))![1]!
  }

  return { t, mailbox, u, c, dataDir, db, spaceIdOf, membership, notifications, create, startThread }
}
