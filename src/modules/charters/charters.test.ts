import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { testDialects } from '../../../test/support/databases.ts'
import { chartersWorld, location, SECTIONS } from '../../../test/support/charters.ts'
import { parseSections } from './charters.ts'
import { charterSections, charterSectionsByIds } from './charters.ts'
import { ANONYMOUS } from '../../core/access/policy.ts'

test('sections are written as "## Heading" blocks; mistakes are explained in the form’s words', () => {
  assert.deepEqual(parseSections(SECTIONS).sections.map((s) => s.heading), ['Work in the open by default', 'Share what we build', 'Ask for help early'])
  assert.match(parseSections('Some words first\n## Heading\nText').error!, /Start each section with a line beginning ##/)
  assert.match(parseSections('## Only a heading').error!, /has no text/)
  assert.match(parseSections('').error!, /at least one section/)
  assert.match(parseSections(`## ${'x'.repeat(151)}\ntext`).error!, /heading of section 1 must be 150 characters or fewer/)
})

for (const dialect of testDialects()) {
  describe(`charters on ${dialect}`, () => {
    const w = chartersWorld(dialect)

    test('a platform admin starts a charter in drafting; it is version 1 with numbered sections, readable by anyone and found by search', async () => {
      const slug = await w.startCharter('Open working pledge')
      const page = await w.c.anonymous.get(`/charters/${slug}`)
      assert.equal(page.statusCode, 200)
      assert.match(page.body, /<h1 class="govuk-heading-xl">Open working pledge<\/h1>/)
      assert.match(page.body, /Drafting/)
      assert.match(page.body, /<span class="openly-section-number">2\.<\/span> Share what we build/)
      assert.equal((await w.sectionIds(slug)).length, 3)
      const row = await w.charterRow(slug)
      assert.equal(row.current_version, 1)
      assert.equal(row.status, 'drafting')
      assert.equal((await w.c.anonymous.get('/charters')).body.includes(`/charters/${slug}`), true)
      const found = await w.c.anonymous.get('/search?q=reusable')
      assert.match(found.body, new RegExp(`/charters/${slug}`))
      // The version page is citable; a version that does not exist is a 404, never a 500.
      assert.equal((await w.c.anonymous.get(`/charters/${slug}/versions/1`)).statusCode, 200)
      for (const bad of ['2', '0', 'abc', '99999999999999999999', '1e3']) assert.equal((await w.c.anonymous.get(`/charters/${slug}/versions/${bad}`)).statusCode, 404, bad)
    })

    test('only platform admins start charters; a bad sections box comes back with the error and the input kept', async () => {
      const refused = await w.c.alice.get('/charters/new')
      assert.equal(refused.statusCode, 403)
      assert.equal(location(await w.c.anonymous.get('/charters/new')).startsWith('/sign-in?next='), true)
      const forged = await w.c.alice.post('/charters/new', { title: 'Mine', sections: SECTIONS, _csrf: '' })
      assert.equal(forged.statusCode, 403, 'no CSRF token: refused before anything')
      const bad = await w.c.editor.submit('/charters/new', { title: 'Half written', sections: 'Preamble without a heading' })
      assert.equal(bad.statusCode, 422)
      assert.match(bad.body, /Start each section with a line beginning ##/)
      assert.match(bad.body, /Preamble without a heading<\/textarea>/)
      const long = await w.c.editor.submit('/charters/new', { title: 'x'.repeat(500), sections: SECTIONS })
      assert.equal(long.statusCode, 422)
      assert.match(long.body, /Title must be 120 characters or fewer/)
    })

    test('editors manage the charter: others get 404 on the editors’ page; an editor adds another, the last cannot be removed', async () => {
      const slug = await w.startCharter('Managed pledge')
      assert.equal((await w.c.alice.get(`/charters/${slug}/manage`)).statusCode, 404)
      const added = await w.c.editor.submit(`/charters/${slug}/manage`, { handle: w.u.alice.handle }, `/charters/${slug}/editors`)
      assert.equal(added.statusCode, 303)
      assert.equal((await w.c.alice.get(`/charters/${slug}/manage`)).statusCode, 200)
      const unknown = await w.c.editor.submit(`/charters/${slug}/manage`, { handle: 'nobody-here' }, `/charters/${slug}/editors`)
      assert.equal(unknown.statusCode, 422)
      assert.match(unknown.body, /There is no one with the handle nobody-here/)
      assert.equal((await w.c.alice.submit(`/charters/${slug}/manage`, {}, `/charters/${slug}/editors/${w.u.editor.id}/remove`)).statusCode, 303)
      const last = await w.c.alice.submit(`/charters/${slug}/manage`, {}, `/charters/${slug}/editors/${w.u.alice.id}/remove`)
      assert.equal(last.statusCode, 409)
      assert.match(last.body, /at least one editor/)
    })

    test('editing the introduction makes a new version; publishing twice is refused plainly; a closed charter takes nothing', async () => {
      const slug = await w.startCharter('Introduced pledge')
      const edited = await w.c.editor.submit(`/charters/${slug}/manage`, { title: 'Introduced pledge', introduction: 'A better introduction.', summary: 'Introduction rewritten' }, `/charters/${slug}/introduction`)
      assert.equal(edited.statusCode, 303)
      assert.equal((await w.charterRow(slug)).current_version, 2)
      const compare = await w.c.anonymous.get(`/charters/${slug}/compare?from=1&to=2`)
      assert.match(compare.body, /Introduction/)
      assert.match(compare.body, /<ins class="openly-diff__added"><span class="govuk-visually-hidden">added: <\/span>A better introduction/)
      const same = await w.c.editor.submit(`/charters/${slug}/manage`, { title: 'Introduced pledge', introduction: 'A better introduction.', summary: 'Nothing' }, `/charters/${slug}/introduction`)
      assert.equal(same.statusCode, 422)
      await w.publish(slug)
      const again = await w.c.editor.submit(`/charters/${slug}/manage`, {}, `/charters/${slug}/publish`)
      assert.equal(again.statusCode, 409)
      assert.equal((await w.c.editor.submit(`/charters/${slug}/manage`, {}, `/charters/${slug}/close`)).statusCode, 303)
      const closed = await w.c.alice.get(`/charters/${slug}/sign`)
      assert.equal(closed.statusCode, 409)
      assert.match(closed.body, /closed/)
      assert.equal((await w.c.alice.get(`/charters/${slug}/amendments/new`)).statusCode, 409)
    })

    test('other modules list a charter’s sections by their lasting ids (for linking barriers to sections)', async () => {
      const slug = await w.startCharter('Linkable pledge')
      const listed = await charterSections(w.t.app.db, ANONYMOUS, slug)
      assert.ok(listed)
      assert.deepEqual(listed.sections.map((s) => s.number), [1, 2, 3])
      assert.equal(listed.sections[1]!.url, `/charters/${slug}#section-${listed.sections[1]!.id}`)
      const byId = await charterSectionsByIds(w.t.app.db, ANONYMOUS, [listed.sections[2]!.id, 'no-such-section'])
      assert.equal(byId.size, 1)
      assert.equal(byId.get(listed.sections[2]!.id)!.heading, 'Ask for help early')
      assert.equal(await charterSections(w.t.app.db, ANONYMOUS, 'no-such-charter'), null)
    })
  })
}
