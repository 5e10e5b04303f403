import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { testDialects } from '../../../test/support/databases.ts'
import { chartersWorld, location } from '../../../test/support/charters.ts'

for (const dialect of testDialects()) {
  describe(`charter pilots on ${dialect}`, () => {
    const w = chartersWorld(dialect)

    test('a signatory organisation volunteers as a pilot, links its own posts as progress, and the charter shows its latest update', async () => {
      const slug = await w.startCharter('Piloted pledge')
      await w.publish(slug)
      const before = await w.c.orgadmin.submit(`/charters/${slug}/pilots/new`, { organisation: w.org.id, goals: 'Try it in two teams.' })
      assert.equal(before.statusCode, 422, 'an organisation must sign first')
      assert.match(before.body, /Select an organisation you are an admin of|must sign the charter/)
      await w.c.orgadmin.submit(`/charters/${slug}/sign`, { signatory: w.org.id, version: '1' })
      const racing = await w.concurrently(w.c.orgadmin, `/charters/${slug}/pilots/new`, `/charters/${slug}/pilots/new`, { organisation: w.org.id, contact: w.u.orgmember.handle, goals: 'Try it in two teams by spring.' }, 3)
      assert.deepEqual(racing.map((r) => r.statusCode), [303, 303, 303])
      assert.equal(location(racing[0]!), `/charters/${slug}/pilots/${w.org.slug}?done=pilot`)
      const member = await w.c.orgmember.submit(`/charters/${slug}/pilots/new`, { organisation: w.org.id, goals: 'Me too' })
      assert.equal(member.statusCode, 422)

      // A post by the organisation's admin, attached to the organisation; and one that is not.
      const post = await w.c.orgadmin.submit('/posts/new', { title: `Pilot weeknotes ${dialect}`, body: 'First fortnight of the pilot.', organisation: w.org.slug, publish: 'publish' })
      assert.equal(post.statusCode, 303, post.body.match(/govuk-error-message[^]*?<\/p>/g)?.join(' '))
      const other = await w.c.orgadmin.submit('/posts/new', { title: `Unrelated post ${dialect}`, body: 'Not about the organisation.', publish: 'publish' })
      const pilotUrl = `/charters/${slug}/pilots/${w.org.slug}`
      const unrelated = await w.c.orgadmin.submit(pilotUrl, { post: location(other) }, `${pilotUrl}/updates`)
      assert.equal(unrelated.statusCode, 422)
      assert.match(unrelated.body, /Choose a post attached to your organisation/)
      const nonsense = await w.c.orgadmin.submit(pilotUrl, { post: 'https://elsewhere.example/x' }, `${pilotUrl}/updates`)
      assert.equal(nonsense.statusCode, 422)
      const linked = await w.c.orgadmin.submit(pilotUrl, { post: `http://openly.test${location(post)}` }, `${pilotUrl}/updates`)
      assert.equal(linked.statusCode, 303)
      const twice = await w.c.orgadmin.submit(pilotUrl, { post: location(post) }, `${pilotUrl}/updates`)
      assert.equal(twice.statusCode, 422)
      assert.match(twice.body, /already one of the pilot’s updates/)
      assert.equal((await w.c.orgmember.post(`${pilotUrl}/updates`, { post: location(post), _csrf: '' })).statusCode, 403, 'no CSRF token')

      const charterPage = await w.c.anonymous.get(`/charters/${slug}`)
      assert.match(charterPage.body, /Pilots/)
      assert.match(charterPage.body, new RegExp(`Latest update: <a class="govuk-link" href="${location(post)}">Pilot weeknotes ${dialect}</a>`))
      const pilotPage = await w.c.anonymous.get(pilotUrl)
      assert.match(pilotPage.body, /Try it in two teams by spring\./)
      assert.match(pilotPage.body, /Charter orgmember/)
      const api = JSON.parse((await w.c.anonymous.get(`/api/v1/charters/${slug}/pilots`)).body)
      assert.equal(api.items[0].organisation.slug, w.org.slug)
      assert.equal(api.items[0].updates[0].title, `Pilot weeknotes ${dialect}`)
      const badge = await w.c.anonymous.get(`/charters/${slug}/signatories/${w.org.slug}/badge.svg`)
      assert.match(badge.body, /Signatory and pilot/)

      // A pilot whose organisation withdraws is no longer shown.
      const signature = await w.db().selectFrom('charter_signatures').select('id').where('organisation_id', '=', w.org.id).where('charter_id', '=', (await w.charterRow(slug)).id).executeTakeFirstOrThrow()
      await w.c.orgadmin.submit(`/charters/${slug}/signatures/${signature.id}`, {}, `/charters/${slug}/signatures/${signature.id}/withdraw`)
      assert.equal((await w.c.anonymous.get(pilotUrl)).statusCode, 404)
      assert.doesNotMatch((await w.c.anonymous.get(`/charters/${slug}`)).body, /Latest update/)
    })
  })
}
