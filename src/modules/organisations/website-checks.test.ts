import { test, describe, before, after } from 'node:test'
import { jobRun } from '../../core/jobs/jobs.ts'
import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { TestClient } from '../../../test/support/client.ts'
import { createUser } from '../../../test/support/factories.ts'
import { checkLink } from './link-check.ts'
import { BROKEN_AFTER, checkWebsites, retryHours } from './website-checks.ts'
import { createOrganisation } from './organisations.ts'

/** A real web server on this machine: some paths answer, one refuses HEAD, one is gone, one redirects. */
let server: Server
let base = ''
const seen: string[] = []
before(async () => {
  server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`)
    if (req.url === '/ok') return res.writeHead(200).end()
    if (req.url === '/no-head') return res.writeHead(req.method === 'HEAD' ? 405 : 200).end()
    if (req.url === '/moved') return res.writeHead(301, { location: '/ok' }).end()
    res.writeHead(404).end()
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
after(() => server.close())

test('link checks: HEAD, GET when HEAD is refused, redirects, broken links', async () => {
  const allow = { allowPrivate: true }
  assert.deepEqual(await checkLink(`${base}/ok`, allow), { ok: true, status: 200 })
  assert.deepEqual(await checkLink(`${base}/no-head`, allow), { ok: true, status: 200 })
  assert.deepEqual(seen.slice(-2), ['HEAD /no-head', 'GET /no-head'])
  assert.deepEqual(await checkLink(`${base}/moved`, allow), { ok: true, status: 200 })
  assert.deepEqual(await checkLink(`${base}/gone`, allow), { ok: false, status: 404, reason: 'answered 404' })
  assert.deepEqual(await checkLink('ftp://example.org/', allow), { ok: false, reason: 'not a web address' })
})

test('link checks never reach private or loopback addresses, by number or by name', async () => {
  const before = seen.length
  assert.deepEqual(await checkLink(`${base}/ok`), { ok: false, reason: 'a private address' })
  assert.deepEqual(await checkLink(base.replace('127.0.0.1', 'localhost') + '/ok'), { ok: false, reason: 'a private address' })
  assert.deepEqual(await checkLink('http://[::1]/'), { ok: false, reason: 'a private address' })
  assert.deepEqual(await checkLink('http://192.168.1.1/'), { ok: false, reason: 'a private address' })
  assert.equal(seen.length, before, 'no request reached the server')
})

test('a failing site is checked again sooner, then less and less often', () => {
  assert.deepEqual([1, 2, 3, 4, 9, 20].map(retryHours), [1, 2, 4, 8, 168, 168])
})

for (const dialect of testDialects()) {
  describe(`website checks on ${dialect}`, () => {
    let t: TestApp
    before(async () => {
      t = await buildTestApp(dialect, { config: { linkCheckAllowPrivate: true } })
    })
    after(async () => t.close())

    test('the job checks due websites; after three failures in a row the site shows as broken and its admins are told once', async () => {
      const admin = await createUser(t.app.db, { name: 'Wes Website' })
      const good = await createOrganisation(t.app.db, { userId: admin.id, isAdmin: false }, { name: 'Answering Council', type: 'charity', country: 'IE', region: '', website: `${base}/ok`, identifier: '', description: '', themes: [] })
      const gone = await createOrganisation(t.app.db, { userId: admin.id, isAdmin: false }, { name: 'Vanished Trust', type: 'charity', country: 'IE', region: '', website: `${base}/gone`, identifier: '', description: '', themes: [] })
      const run = () => checkWebsites.run({}, jobRun(checkWebsites, 'test', 0, t.app))
      for (let i = 0; i < BROKEN_AFTER + 1; i++) {
        await run()
        // Make every site due again (the back-off would wait hours).
        await t.db.updateTable('organisations').set({ website_check_due: null }).execute()
      }
      const rows = await t.db.selectFrom('organisations').select(['id', 'website_failures', 'website_result', 'website_checked_at']).where('id', 'in', [good.id, gone.id]).execute()
      const byId = new Map(rows.map((r) => [r.id, r]))
      assert.equal(Number(byId.get(good.id)!.website_failures), 0)
      assert.equal(Number(byId.get(gone.id)!.website_failures), BROKEN_AFTER + 1)
      assert.equal(byId.get(gone.id)!.website_result, 'answered 404')
      const told = await t.db.selectFrom('notifications').select('text').where('user_id', '=', admin.id).where('text', 'like', '%has not answered%').execute()
      assert.equal(told.length, 1, 'told once')
      t.app.pageCache.invalidate()
      const page = await new TestClient(t.app).get('/organisations/vanished-trust')
      assert.match(page.body, /May be broken<\/strong> <span class="govuk-body-s">\(answered 404 when checked on/)
      assert.doesNotMatch((await new TestClient(t.app).get('/organisations/answering-council')).body, /May be broken/)
    })
  })
}
