import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { testDialects } from '../../../test/support/databases.ts'
import { chartersWorld } from '../../../test/support/charters.ts'

for (const dialect of testDialects()) {
  describe(`charters API on ${dialect}`, () => {
    const w = chartersWorld(dialect)
    const json = async (url: string, status = 200) => {
      const res = await w.c.anonymous.get(url)
      assert.equal(res.statusCode, status, `${url}: ${res.body.slice(0, 300)}`)
      return JSON.parse(res.body)
    }

    test('charters, their sections, versions, amendments and register as JSON, with cursors and problem+json errors', async () => {
      const slug = await w.startCharter('API pledge')
      const [first] = await w.sectionIds(slug)
      const a = await w.propose(slug, 'alice', { kind: 'change', section: first!, body: 'We publish what we learn, openly.', reason: 'Shorter.' })
      await w.propose(slug, 'bob', { kind: 'add', after: 'start', heading: 'Purpose', body: 'Why we do this.', reason: 'Context first.' })
      await w.decide(slug, a, 'accept')
      await w.publish(slug)
      await w.c.orgadmin.submit(`/charters/${slug}/sign`, { signatory: w.org.id, commitment: 'We will.', version: '2' })

      const list = await json('/api/v1/charters?limit=1')
      assert.equal(list.items.length, 1)
      assert.ok('next' in list)
      const one = await json(`/api/v1/charters/${slug}`)
      assert.equal(one.status, 'published')
      assert.equal(one.currentVersion, 2)
      assert.deepEqual(one.sections.map((s: { number: number }) => s.number), [1, 2, 3])
      assert.equal(one.sections[0].id, first)
      assert.equal(one.sections[0].text, 'We publish what we learn, openly.')
      assert.equal(one.signatories.organisations, 1)
      assert.equal(one.amendments.open, 1)

      const versions = await json(`/api/v1/charters/${slug}/versions?limit=1`)
      assert.equal(versions.items[0].number, 2)
      assert.equal(versions.next, '2')
      const older = await json(`/api/v1/charters/${slug}/versions?limit=1&cursor=${versions.next}`)
      assert.equal(older.items[0].number, 1)
      assert.equal(older.next, null)
      const v1 = await json(`/api/v1/charters/${slug}/versions/1`)
      assert.equal(v1.sections[0].text, 'We publish what we learn every week, where anyone can read it.')
      await json(`/api/v1/charters/${slug}/versions/3`, 404)

      const amendments = await json(`/api/v1/charters/${slug}/amendments?status=open`)
      assert.equal(amendments.items.length, 1)
      assert.equal(amendments.items[0].kind, 'add')
      const accepted = await json(`/api/v1/charters/${slug}/amendments/${a}`)
      assert.equal(accepted.status, 'accepted')
      assert.equal(accepted.resultVersion, 2)
      assert.equal(accepted.sectionNumber, 1)

      const register = await json(`/api/v1/charters/${slug}/signatories?kind=organisation`)
      assert.equal(register.items[0].name.startsWith('Pledge Borough Council'), true)
      assert.equal(register.items[0].confirmedCurrentVersion, true)
      assert.equal(register.items[0].commitment, 'We will.')

      const missing = await w.c.anonymous.get('/api/v1/charters/no-such-charter')
      assert.equal(missing.statusCode, 404)
      assert.match(String(missing.headers['content-type']), /application\/problem\+json/)
      assert.equal((await w.c.anonymous.get(`/api/v1/charters/${slug}/amendments?status=pending`)).statusCode, 400)
      assert.equal((await w.c.anonymous.get(`/api/v1/charters/${slug}/amendments/abc`)).statusCode, 404)
      const openapi = await json('/api/v1/openapi.json')
      for (const path of ['/api/v1/charters', '/api/v1/charters/{slug}', '/api/v1/charters/{slug}/signatories', '/api/v1/charters/{slug}/amendments/{number}']) assert.ok(openapi.paths[path], path)
    })
  })
}
