import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { testDialects } from '../../../test/support/databases.ts'
import { chartersWorld, location } from '../../../test/support/charters.ts'
import { csrfTokenIn } from '../../../test/support/client.ts'

for (const dialect of testDialects()) {
  describe(`charter signatures on ${dialect}`, () => {
    const w = chartersWorld(dialect)
    const signatures = async (slug: string) => {
      const charter = await w.charterRow(slug)
      return w.db().selectFrom('charter_signatures').selectAll().where('charter_id', '=', charter.id).execute()
    }

    test('a charter in drafting takes no signatures: the sign page and a forged post say so, nothing is stored', async () => {
      const slug = await w.startCharter('Unsigned draft')
      const page = await w.c.alice.get(`/charters/${slug}/sign`)
      assert.equal(page.statusCode, 409)
      assert.match(page.body, /still being drafted/)
      const token = csrfTokenIn((await w.c.alice.get('/charters')).body)!
      const forged = await w.c.alice.post(`/charters/${slug}/sign`, { signatory: 'person', show_name: 'yes', version: '1', _csrf: token })
      assert.equal(forged.statusCode, 409)
      assert.equal((await signatures(slug)).length, 0)
      assert.equal(location(await w.c.anonymous.get(`/charters/${slug}/sign`)).startsWith('/sign-in?next='), true)
    })

    test('people sign for themselves, named or not; an organisation admin signs for the organisation with a commitment; a member cannot', async () => {
      const slug = await w.startCharter('Signed pledge')
      await w.publish(slug)
      const named = await w.c.alice.submit(`/charters/${slug}/sign`, { signatory: 'person', show_name: 'yes', commitment: 'I will write weeknotes.', version: '1' })
      assert.equal(named.statusCode, 303, named.body.match(/govuk-error-message[^]*?<\/p>/g)?.join(' '))
      assert.match(location(named), new RegExp(`^/charters/${slug}/signatures/[^/?]+\\?done=signed$`))
      const unnamed = await w.c.bob.submit(`/charters/${slug}/sign`, { signatory: 'person', show_name: 'no', version: '1' })
      assert.equal(unnamed.statusCode, 303)
      const noChoice = await w.c.carol.submit(`/charters/${slug}/sign`, { signatory: 'person', version: '1' })
      assert.equal(noChoice.statusCode, 422)
      assert.match(noChoice.body, /Select whether to show your name in the public register/)

      const form = await w.c.orgadmin.get(`/charters/${slug}/sign`)
      assert.match(form.body, new RegExp(`value="${w.org.id}"`), 'the admin may sign for the organisation')
      assert.doesNotMatch((await w.c.orgmember.get(`/charters/${slug}/sign`)).body, new RegExp(`value="${w.org.id}"`), 'a member may not')
      const forged = await w.c.orgmember.submit(`/charters/${slug}/sign`, { signatory: w.org.id, version: '1' })
      assert.equal(forged.statusCode, 422)
      assert.match(forged.body, /Select yourself or an organisation you are an admin of/)
      const orgSigned = await w.c.orgadmin.submit(`/charters/${slug}/sign`, { signatory: w.org.id, commitment: 'We will publish our roadmap in the open.', version: '1' })
      assert.equal(orgSigned.statusCode, 303)

      const register = await w.c.anonymous.get(`/charters/${slug}/signatories`)
      assert.equal(register.statusCode, 200)
      assert.match(register.body, /1 organisation<\/strong> and <strong>2 people<\/strong> have signed/)
      assert.match(register.body, /Pledge Borough Council/)
      assert.match(register.body, /Charter alice/)
      assert.doesNotMatch(register.body, /Charter bob/, 'a person who chose not to be named is counted, not listed')
      assert.match(register.body, /1 person signed without being named/)
      assert.match(register.body, /We will publish our roadmap in the open/)
      const bobSignature = (await signatures(slug)).find((s) => s.user_id === w.u.bob.id)!
      assert.equal((await w.c.anonymous.get(`/charters/${slug}/signatures/${bobSignature.id}`)).statusCode, 404)
      assert.equal((await w.c.bob.get(`/charters/${slug}/signatures/${bobSignature.id}`)).statusCode, 200)
      const orgPage = await w.c.anonymous.get(`/organisations/${w.org.slug}`)
      assert.match(orgPage.body, new RegExp(`href="/charters/${slug}">Signed pledge</a>`), 'the organisation page shows the signature')
    })

    test('signing twice: five racing copies of one form make one signature; a second form is told it has already signed', async () => {
      const slug = await w.startCharter('Once signed pledge')
      await w.publish(slug)
      const racing = await w.concurrently(w.c.carol, `/charters/${slug}/sign`, `/charters/${slug}/sign`, { signatory: 'person', show_name: 'yes', version: '1' })
      assert.deepEqual(racing.map((r) => r.statusCode), [303, 303, 303, 303, 303])
      assert.equal(new Set(racing.map(location)).size, 1)
      // Two tabs, each with its own form: the unique key lets one in.
      const tabs = await Promise.all([w.c.orgadmin.get(`/charters/${slug}/sign`), w.c.orgadmin.get(`/charters/${slug}/sign`), w.c.orgadmin.get(`/charters/${slug}/sign`)])
      const sent = await Promise.all(
        tabs.map((tab) => w.c.orgadmin.post(`/charters/${slug}/sign`, { signatory: w.org.id, version: '1', _csrf: csrfTokenIn(tab.body)!, _submission: /name="_submission" value="([^"]+)"/.exec(tab.body)![1]! })),
      )
      assert.deepEqual(sent.map((r) => r.statusCode).sort(), [303, 422, 422])
      assert.match(sent.find((r) => r.statusCode === 422)!.body, /has already signed this charter/)
      const rows = await signatures(slug)
      assert.equal(rows.length, 2)
      assert.equal((await w.db().selectFrom('charter_signature_events').select('id').where('charter_id', '=', rows[0]!.charter_id).execute()).length, 2)
    })

    test('withdrawing keeps the signature, shown as withdrawn; signing again revives it; only its signatory (or the organisation’s admins) may', async () => {
      const slug = await w.startCharter('Withdrawn pledge')
      await w.publish(slug)
      const signed = await w.c.orgadmin.submit(`/charters/${slug}/sign`, { signatory: w.org.id, version: '1' })
      const url = location(signed).split('?')[0]!
      const stranger = await w.c.orgmember.get(url)
      assert.doesNotMatch(stranger.body, /Withdraw the signature/)
      assert.equal((await w.c.orgmember.post(`${url}/withdraw`, { _csrf: csrfTokenIn(stranger.body)! })).statusCode, 404)
      const twice = await w.concurrently(w.c.orgadmin, url, `${url}/withdraw`, {}, 3)
      assert.deepEqual(twice.map((r) => r.statusCode), [303, 303, 303])
      const page = await w.c.anonymous.get(url)
      assert.match(page.body, /Withdrawn/)
      assert.match(page.body, /withdrew the signature/)
      const register = await w.c.anonymous.get(`/charters/${slug}/signatories`)
      assert.match(register.body, /0 organisations<\/strong>/)
      assert.match(register.body, /1 signature was withdrawn/)
      assert.match((await w.c.anonymous.get(`/charters/${slug}/signatories?status=withdrawn`)).body, /Pledge Borough Council/)
      const again = await w.c.orgadmin.submit(`/charters/${slug}/sign`, { signatory: w.org.id, version: '1' })
      assert.equal(again.statusCode, 303)
      assert.equal(location(again).split('?')[0], url, 'the same signature, signed again')
      const rows = await signatures(slug)
      assert.equal(rows.length, 1)
      assert.equal(rows[0]!.status, 'active')
      assert.deepEqual((await w.db().selectFrom('charter_signature_events').select('action').where('signature_id', '=', rows[0]!.id).orderBy('created_at').execute()).map((e) => e.action), ['signed', 'withdrawn', 'signed'])
    })

    test('re-consent: a new version asks every signatory to review it; the register shows who agreed to which version; confirming needs the version read', async () => {
      const slug = await w.startCharter('Reconsented pledge')
      await w.publish(slug)
      await w.c.alice.submit(`/charters/${slug}/sign`, { signatory: 'person', show_name: 'yes', version: '1' })
      await w.c.orgadmin.submit(`/charters/${slug}/sign`, { signatory: w.org.id, commitment: 'We will share our code.', version: '1' })
      const stale = await w.c.carol.get(`/charters/${slug}/sign`)

      const [first] = await w.sectionIds(slug)
      const n = await w.propose(slug, 'bob', { kind: 'change', section: first!, body: 'We publish what we learn every week, in plain words, where anyone can read it.', reason: 'Plain words.' })
      assert.equal((await w.decide(slug, n, 'accept')).statusCode, 303)
      const rows = await signatures(slug)
      const alice = rows.find((s) => s.kind === 'person')!
      const organisation = rows.find((s) => s.kind === 'organisation')!
      const toAlice = (await w.notifications(w.u.alice.id, 'charter_version')).find((x) => x.url === `/charters/${slug}/signatures/${alice.id}/review`)
      assert.ok(toAlice, 'the person is asked to review')
      assert.match(toAlice.text, /has a new version \(2: Amendment \d+ accepted/)
      assert.ok((await w.notifications(w.u.orgadmin.id, 'charter_version')).some((x) => x.url === `/charters/${slug}/signatures/${organisation.id}/review`), 'the organisation’s admins are asked')
      assert.equal((await w.notifications(w.u.orgmember.id, 'charter_version')).length, 0)

      let register = await w.c.anonymous.get(`/charters/${slug}/signatories`)
      assert.match(register.body, /0 of them agree to the current version \(2\)/)
      assert.match(register.body, /agrees to version 1, <strong>not yet to the current version<\/strong>/)

      // Signing from a form read before the change: shown what changed, not signed unseen.
      const late = await w.c.carol.post(`/charters/${slug}/sign`, { signatory: 'person', show_name: 'yes', version: '1', _csrf: csrfTokenIn(stale.body)!, _submission: /name="_submission" value="([^"]+)"/.exec(stale.body)![1]! })
      assert.equal(late.statusCode, 422)
      assert.match(late.body, /The charter changed while you were reading it/)
      assert.match(late.body, new RegExp(`/charters/${slug}/compare\\?from=1&amp;to=2`))

      const review = await w.c.orgadmin.get(`/charters/${slug}/signatures/${organisation.id}/review`)
      assert.equal(review.statusCode, 200)
      assert.match(review.body, /in plain words/)
      assert.match(review.body, /<ins class="openly-diff__added">/)
      assert.match(review.body, /We will share our code\.<\/textarea>/)
      assert.equal((await w.c.orgmember.get(`/charters/${slug}/signatures/${organisation.id}/review`)).statusCode, 404)
      const wrong = await w.c.orgadmin.submit(`/charters/${slug}/signatures/${organisation.id}/review`, { commitment: 'We will share our code.', version: '1' }, `/charters/${slug}/signatures/${organisation.id}/confirm`)
      assert.equal(wrong.statusCode, 422)
      const confirmed = await w.c.orgadmin.submit(`/charters/${slug}/signatures/${organisation.id}/review`, { commitment: 'We will share our code and our research.', version: '2' }, `/charters/${slug}/signatures/${organisation.id}/confirm`)
      assert.equal(confirmed.statusCode, 303)
      register = await w.c.anonymous.get(`/charters/${slug}/signatories`)
      assert.match(register.body, /1 of them agree to the current version \(2\)/)
      assert.match(register.body, /agrees to version 2 \(current\)/)
      assert.match(register.body, /We will share our code and our research\./)
      const orgPage = await w.c.anonymous.get(`/charters/${slug}/signatures/${organisation.id}`)
      assert.match(orgPage.body, /confirmed version 2/)
      const alicePage = await w.c.alice.get(`/charters/${slug}/signatures/${alice.id}`)
      assert.match(alicePage.body, /Review the changes and confirm/)
    })

    test('register filters, search and exports; badges show status in words and link to the signature', async () => {
      const slug = await w.startCharter('Registered pledge')
      await w.publish(slug)
      await w.c.alice.submit(`/charters/${slug}/sign`, { signatory: 'person', show_name: 'yes', commitment: 'I will, "with quotes", and commas.', version: '1' })
      await w.c.bob.submit(`/charters/${slug}/sign`, { signatory: 'person', show_name: 'no', version: '1' })
      await w.c.orgadmin.submit(`/charters/${slug}/sign`, { signatory: w.org.id, version: '1' })
      const get = (q: string) => w.c.anonymous.get(`/charters/${slug}/signatories${q}`)
      assert.doesNotMatch((await get('?kind=person')).body, /Pledge Borough Council/)
      assert.match((await get('?kind=organisation')).body, /Pledge Borough Council/)
      assert.match((await get('?country=United%20Kingdom')).body, /Pledge Borough Council/)
      assert.match((await get('?country=Narnia')).body, /No signatories match these filters/)
      assert.match((await get('?type=local%20government')).body, /Pledge Borough Council/)
      assert.match((await get('?q=BOROUGH')).body, /Pledge Borough Council/)
      assert.match((await get('?q=%25')).body, /No signatories match these filters/, 'a % is a character, not a wildcard')
      assert.equal((await get('?kind=robots')).statusCode, 400)
      assert.equal((await get(`?q=${'x'.repeat(300)}`)).statusCode, 400)
      assert.equal((await get('?cursor=not-a-cursor')).statusCode, 400, 'a malformed cursor is a clear 400, not page 1')

      const csv = await w.c.anonymous.get(`/charters/${slug}/signatories.csv`)
      assert.equal(csv.statusCode, 200)
      assert.match(String(csv.headers['content-type']), /text\/csv/)
      const lines = csv.body.trim().split('\n')
      assert.equal(lines[0], 'signatory_type,name,profile_url,organisation_type,country,status,signed_at,version_signed,version_confirmed,confirmed_current_version,withdrawn_at,commitment,signature_url')
      assert.equal(lines.length, 3, 'the organisation and the named person; not the unnamed one')
      assert.ok(lines.some((l) => l.includes('"I will, ""with quotes"", and commas."')), 'CSV quoting')
      assert.doesNotMatch(csv.body, /Charter bob/)
      const json = JSON.parse((await w.c.anonymous.get(`/charters/${slug}/signatories.json`)).body)
      assert.equal(json.signatories.length, 2)
      assert.equal(json.charter.currentVersion, 1)

      const badge = await w.c.anonymous.get(`/charters/${slug}/signatories/${w.org.slug}/badge.svg`)
      assert.equal(badge.statusCode, 200)
      assert.match(String(badge.headers['content-type']), /image\/svg\+xml/)
      assert.match(badge.body, /role="img" aria-labelledby="badge-title badge-desc"/)
      assert.match(badge.body, /<desc id="badge-desc">Pledge Borough Council [^<]* has signed “Registered pledge” and agrees to its current version \(1\)\.<\/desc>/)
      assert.match(badge.body, new RegExp(`<a href="http://openly.test/charters/${slug}/signatures/[^"]+"`))
      assert.equal((await w.c.anonymous.get(`/charters/${slug}/signatories/no-such-organisation/badge.svg`)).statusCode, 404)
      const orgSignature = (await signatures(slug)).find((s) => s.kind === 'organisation')!
      const page = await w.c.anonymous.get(`/charters/${slug}/signatures/${orgSignature.id}`)
      assert.match(page.body, new RegExp(`<img src="/charters/${slug}/signatories/${w.org.slug}/badge.svg" alt="Pledge Borough Council`))
      assert.match(page.body, /Code to copy into your web page/)
    })
  })
}
