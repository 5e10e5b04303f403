import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { testDialects } from '../../../test/support/databases.ts'
import { barriersWorld, errorsIn, location } from '../../../test/support/barriers.ts'
import { csrfTokenIn } from '../../../test/support/client.ts'

for (const dialect of testDialects()) {
  describe(`wiki endorsements and links on ${dialect}`, () => {
    const w = barriersWorld(dialect)
    const endorsements = async (kind: string, slug: string) => {
      const entry = await w.entryRow(kind, slug)
      return w.db().selectFrom('wiki_endorsements').selectAll().where('entry_id', '=', entry.id).execute()
    }

    test('people endorse for themselves, organisation admins for their organisation; a member cannot speak for it', async () => {
      const slug = await w.write('barrier', 'Forums block attachments')
      const mine = await w.c.bob.submit(`/barriers/${slug}`, { endorser: 'person', note: 'Same in our team' }, `/barriers/${slug}/endorse`)
      assert.equal(mine.statusCode, 303, errorsIn(mine))
      const form = await w.c.orgadmin.get(`/barriers/${slug}/endorse`)
      assert.match(form.body, new RegExp(`value="${w.org.id}"`), 'an admin may endorse for the organisation')
      const asOrg = await w.c.orgadmin.submit(`/barriers/${slug}/endorse`, { endorser: w.org.id, note: 'Across the council' })
      assert.equal(asOrg.statusCode, 303, errorsIn(asOrg))
      const member = await w.c.orgmember.get(`/barriers/${slug}/endorse`)
      assert.doesNotMatch(member.body, new RegExp(`value="${w.org.id}"`))
      const forged = await w.c.orgmember.submit(`/barriers/${slug}/endorse`, { endorser: w.org.id, note: 'Forged' })
      assert.equal(forged.statusCode, 422)
      assert.match(forged.body, /Select yourself or an organisation you are an admin of/)
      assert.match(forged.body, /Forged/, 'the note is kept')
      const tooLong = await w.c.carol.submit(`/barriers/${slug}/endorse`, { endorser: 'person', note: 'x'.repeat(301) })
      assert.equal(tooLong.statusCode, 422)
      const page = await w.c.anonymous.get(`/barriers/${slug}`)
      assert.match(page.body, /People and organisations who face this too \(2\)/)
      assert.match(page.body, /Wiki bob<\/a><\/span>: Same in our team/)
      assert.match(page.body, new RegExp(`Wiki Borough Council ${dialect}</a></span>: Across the council`))
      assert.equal(JSON.parse((await w.c.anonymous.get(`/api/v1/barriers/${slug}`)).body).endorsements, 2)
      assert.match((await w.c.anonymous.get('/barriers')).body, /2 endorsements/)
    })

    test('double submits and racing requests make one endorsement per person and per organisation; withdrawing removes it', async () => {
      const slug = await w.write('solution', 'Pair with the security team')
      const page = await w.c.bob.get(`/solutions/${slug}`)
      const token = csrfTokenIn(page.body)!
      const sent = await Promise.all([1, 2, 3, 4].map((n) => w.c.bob.post(`/solutions/${slug}/endorse`, { endorser: 'person', note: `Try ${n}`, _csrf: token })))
      assert.deepEqual(sent.map((r) => r.statusCode), [303, 303, 303, 303])
      const orgToken = csrfTokenIn((await w.c.orgadmin.get(`/solutions/${slug}`)).body)!
      await Promise.all([1, 2, 3].map(() => w.c.orgadmin.post(`/solutions/${slug}/endorse`, { endorser: w.org.id, note: '', _csrf: orgToken })))
      const rows = await endorsements('solution', slug)
      assert.deepEqual(rows.map((r) => r.endorser_key).sort(), [`organisation:${w.org.id}`, `person:${w.u.bob.id}`].sort())
      assert.match((await w.c.bob.get(`/solutions/${slug}`)).body, /Withdraw the endorsement you made/)
      const withdrawn = await w.c.bob.submit(`/solutions/${slug}`, { endorser: 'person' }, `/solutions/${slug}/endorsements/withdraw`)
      assert.equal(withdrawn.statusCode, 303)
      assert.deepEqual((await endorsements('solution', slug)).map((r) => r.endorser_key), [`organisation:${w.org.id}`])
      const again = await w.c.bob.submit(`/solutions/${slug}`, { endorser: 'person' }, `/solutions/${slug}/endorsements/withdraw`)
      assert.equal(again.statusCode, 303, 'withdrawing twice changes nothing')
      assert.match(location(await w.c.anonymous.post(`/solutions/${slug}/endorse`, { endorser: 'person' })), /^\/sign-in/, 'signed out: sent to sign in')
      assert.equal((await w.c.carol.post(`/solutions/${slug}/endorse`, { endorser: 'person' })).statusCode, 403, 'no CSRF token, no endorsement')
      assert.equal((await endorsements('solution', slug)).length, 1)
      assert.match(location(await w.c.anonymous.get(`/solutions/${slug}/endorse`)), /^\/sign-in/)
    })

    test('barriers and solutions link both ways, once; a link is removed by whoever made it or a moderator', async () => {
      const barrier = await w.write('barrier', 'Nobody knows who owns the wiki')
      const solution = await w.write('solution', 'Name an owner for every space')
      const linked = await w.c.bob.submit(`/barriers/${barrier}/links`, { solution: `http://openly.test/solutions/${solution}` }, `/barriers/${barrier}/links/solution`)
      assert.equal(linked.statusCode, 303, errorsIn(linked))
      const twice = await w.c.carol.submit(`/solutions/${solution}/links`, { barrier }, `/solutions/${solution}/links/barrier`)
      assert.equal(twice.statusCode, 303)
      const token = csrfTokenIn((await w.c.carol.get(`/solutions/${solution}/links`)).body)!
      const racing = await Promise.all([1, 2, 3].map(() => w.c.carol.post(`/solutions/${solution}/links/barrier`, { barrier, _csrf: token })))
      assert.deepEqual(racing.map((r) => r.statusCode), [303, 303, 303])
      assert.equal((await w.db().selectFrom('wiki_links').selectAll().execute()).filter((l) => l.created_by === w.u.bob.id || l.created_by === w.u.carol.id).length, 1)
      assert.match((await w.c.anonymous.get(`/barriers/${barrier}`)).body, /Name an owner for every space/)
      assert.match((await w.c.anonymous.get(`/solutions/${solution}`)).body, /Nobody knows who owns the wiki/)
      const api = JSON.parse((await w.c.anonymous.get(`/api/v1/solutions/${solution}`)).body)
      assert.deepEqual(api.barriers.map((b: { title: string }) => b.title), ['Nobody knows who owns the wiki'])
      const missing = await w.c.bob.submit(`/barriers/${barrier}/links`, { solution: 'no-such-solution' }, `/barriers/${barrier}/links/solution`)
      assert.equal(missing.statusCode, 422)
      assert.match(missing.body, /There is no solution at “no-such-solution”/)
      assert.match(missing.body, /value="no-such-solution"/)
      const entry = await w.entryRow('solution', solution)
      const carolLinks = await w.c.carol.get(`/barriers/${barrier}/links`)
      assert.doesNotMatch(carolLinks.body, /Remove<span class="govuk-visually-hidden"> the link/, 'carol did not make the link')
      const forged = await w.c.carol.post(`/barriers/${barrier}/links/solution/${entry.id}/remove`, { _csrf: csrfTokenIn(carolLinks.body)! })
      assert.equal(forged.statusCode, 404)
      const removed = await w.c.admin.submit(`/barriers/${barrier}/links`, {}, `/barriers/${barrier}/links/solution/${entry.id}/remove`)
      assert.equal(removed.statusCode, 303)
      assert.doesNotMatch((await w.c.anonymous.get(`/barriers/${barrier}`)).body, /Name an owner for every space/)
    })

    test('a barrier links to a charter section; a solution to a project only by its team, shown on the project page', async () => {
      const charter = await w.c.admin.submit('/charters/new', { title: 'Wiki test charter', introduction: 'Why.', sections: '## Work in the open\nWe publish.\n\n## Share code\nWe share.' })
      assert.equal(charter.statusCode, 303)
      const chSlug = location(charter).split('/')[2]!.split('?')[0]!
      const sectionId = /<section class="openly-charter-section" id="section-([^"]+)"/.exec((await w.c.anonymous.get(`/charters/${chSlug}`)).body)![1]!
      const barrier = await w.write('barrier', 'Publishing needs three sign-offs')
      const form = await w.c.bob.get(`/barriers/${barrier}/links`)
      assert.match(form.body, /Wiki test charter: 1\. Work in the open/)
      const bad = await w.c.bob.submit(`/barriers/${barrier}/links`, { section: 'nonsense' }, `/barriers/${barrier}/links/section`)
      assert.equal(bad.statusCode, 422)
      assert.match(bad.body, /Select a section of a charter from the list/)
      assert.equal((await w.c.bob.submit(`/barriers/${barrier}/links`, { section: sectionId }, `/barriers/${barrier}/links/section`)).statusCode, 303)
      assert.match((await w.c.anonymous.get(`/barriers/${barrier}`)).body, /Wiki test charter, section 1: Work in the open/)
      assert.match((await w.c.anonymous.get(`/charters/${chSlug}`)).body, /Barriers in the way[^]*Publishing needs three sign-offs[^]*Section 1 ·/, 'the charter page lists it')

      const project = await w.c.alice.submit('/projects/new', { name: 'Wiki test project', summary: 'Testing.', phase: 'alpha', problem: '', audience: '', looking_for: '', themes: '', places: '', technologies: '', lead_organisation: '', partner_organisations: '', links: '', team: '' })
      assert.equal(project.statusCode, 303, errorsIn(project))
      const pSlug = location(project).split('/')[2]!
      const solution = await w.write('solution', 'Publish first, tidy later', {}, 'bob')
      const outsider = await w.c.bob.submit(`/solutions/${solution}/links`, { project: `/projects/${pSlug}` }, `/solutions/${solution}/links/project`)
      assert.equal(outsider.statusCode, 422)
      assert.match(outsider.body, /Only the team of “Wiki test project” can say it used this solution/)
      const team = await w.c.alice.submit(`/solutions/${solution}/links`, { project: `/projects/${pSlug}` }, `/solutions/${solution}/links/project`)
      assert.equal(team.statusCode, 303, errorsIn(team))
      assert.match((await w.c.anonymous.get(`/solutions/${solution}`)).body, /Projects that used it[^]*Wiki test project/)
      const projectPage = await w.c.anonymous.get(`/projects/${pSlug}`)
      assert.match(projectPage.body, /Solutions this project used[^]*Publish first, tidy later/)
    })
  })
}
