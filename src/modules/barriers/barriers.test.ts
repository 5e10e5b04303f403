import { test, describe } from 'node:test'
import assert from 'node:assert/strict'
import { testDialects } from '../../../test/support/databases.ts'
import { barriersWorld, errorsIn, location } from '../../../test/support/barriers.ts'
import { csrfTokenIn } from '../../../test/support/client.ts'
import { wholeSitemap } from '../../../test/support/sitemap.ts'

for (const dialect of testDialects()) {
  describe(`barriers and solutions wiki on ${dialect}`, () => {
    const w = barriersWorld(dialect)
    const revisions = async (kind: string, slug: string) => {
      const entry = await w.entryRow(kind, slug)
      return w.db().selectFrom('wiki_revisions').selectAll().where('entry_id', '=', entry.id).orderBy('number').execute()
    }

    test('a barrier is written, listed, filtered by theme and words, found by search and served by the API and feed', async () => {
      const slug = await w.write('barrier', 'Staff cannot upload photos to forums', { body: 'Our **firewall** blocks image uploads.', themes: 'Security, Tools' })
      const page = await w.c.anonymous.get(`/barriers/${slug}`)
      assert.equal(page.statusCode, 200)
      assert.match(page.body, /<strong>firewall<\/strong>/)
      assert.match(page.body, /Revision 1/)
      const list = await w.c.anonymous.get('/barriers?theme=security')
      assert.match(list.body, /Staff cannot upload photos to forums/)
      assert.doesNotMatch((await w.c.anonymous.get('/barriers?theme=procurement')).body, /Staff cannot upload photos/)
      assert.match((await w.c.anonymous.get('/barriers?q=FIREWALL+image')).body, /Staff cannot upload photos/)
      assert.doesNotMatch((await w.c.anonymous.get('/barriers?q=firewall+spreadsheet')).body, /Staff cannot upload photos/)
      assert.match((await w.c.anonymous.get('/search?q=firewall')).body, /Staff cannot upload photos/)
      const api = JSON.parse((await w.c.anonymous.get(`/api/v1/barriers/${slug}`)).body)
      assert.equal(api.title, 'Staff cannot upload photos to forums')
      assert.deepEqual(api.themes, ['security', 'tools'])
      assert.equal(api.revision, 1)
      const apiList = JSON.parse((await w.c.anonymous.get('/api/v1/barriers?theme=security')).body)
      assert.ok(apiList.items.some((i: { slug: string }) => i.slug === slug))
      assert.match((await w.c.anonymous.get('/barriers/feed.atom')).body, /Staff cannot upload photos to forums/)
      assert.equal((await w.c.anonymous.get('/solutions/' + slug)).statusCode, 404, 'a barrier is not a solution')
      assert.match((await w.c.anonymous.get('/')).body, /Barriers and solutions[^]*Staff cannot upload photos to forums/, 'the front page’s panel')
      assert.match(await wholeSitemap((u) => w.c.anonymous.get(u)), new RegExp(`/barriers/${slug}</loc>`))
    })

    test('the API pages by cursor with the same rules as the pages, answers problem+json, and is described in OpenAPI', async () => {
      for (const n of [1, 2, 3]) await w.write('solution', `Paged solution ${n}`, { themes: 'paging' })
      const first = JSON.parse((await w.c.anonymous.get('/api/v1/solutions?theme=paging&limit=2')).body)
      assert.equal(first.items.length, 2)
      assert.ok(first.next)
      const second = JSON.parse((await w.c.anonymous.get(`/api/v1/solutions?theme=paging&limit=2&cursor=${first.next}`)).body)
      assert.deepEqual(second.items.map((i: { title: string }) => i.title), ['Paged solution 1'])
      assert.equal(second.next, null)
      const listPage = await w.c.anonymous.get('/solutions?theme=paging')
      assert.match(listPage.body, /Paged solution 3[^]*Paged solution 2[^]*Paged solution 1/)
      const missing = await w.c.anonymous.get('/api/v1/barriers/no-such-barrier')
      assert.equal(missing.statusCode, 404)
      assert.match(String(missing.headers['content-type']), /application\/problem\+json/)
      const openapi = JSON.parse((await w.c.anonymous.get('/api/v1/openapi.json')).body)
      for (const path of ['/api/v1/barriers', '/api/v1/barriers/{slug}', '/api/v1/solutions', '/api/v1/solutions/{slug}']) assert.ok(openapi.paths[path], path)
    })

    test('bad input re-renders the form with the error summary and the text kept; a malformed cursor is a 400', async () => {
      const res = await w.c.alice.submit('/barriers/new', { title: '', body: 'Kept text here', themes: 'a, b, c, d, e, f, g, h, i' })
      assert.equal(res.statusCode, 422)
      assert.match(res.body, /govuk-error-summary/)
      assert.match(res.body, /Enter title/)
      assert.match(res.body, /Themes: enter 8 or fewer/)
      assert.match(res.body, /Kept text here/)
      assert.equal((await w.c.anonymous.get('/barriers?cursor=nonsense')).statusCode, 400)
      assert.equal((await w.c.anonymous.get('/api/v1/solutions?cursor=nonsense')).statusCode, 400)
    })

    test('Preview (without JavaScript) shows the text as readers will see it, keeps every field and saves nothing', async () => {
      const preview = await w.c.alice.submit('/barriers/new', { title: 'Previewed barrier', body: 'It is **bold** <script>alert(1)</script>', themes: 'culture', summary: '', action: 'preview' })
      assert.equal(preview.statusCode, 200)
      assert.match(preview.body, /<div id="preview-pane"[^>]*>\s*<p[^>]*>It is <strong>bold<\/strong>/)
      assert.doesNotMatch(preview.body, /<script>alert/)
      assert.match(preview.body, /value="Previewed barrier"/)
      assert.equal((await w.db().selectFrom('wiki_entries').select('id').where('title', '=', 'Previewed barrier').execute()).length, 0)

      const slug = await w.write('barrier', 'Barrier to preview an edit of')
      const form = await w.editForm('barrier', slug, 'bob')
      const edited = await w.c.bob.post(`/barriers/${slug}/edit`, { ...form.fields, body: 'A _new_ text', action: 'preview', _csrf: form.csrf })
      assert.equal(edited.statusCode, 200)
      assert.match(edited.body, /<em>new<\/em>/)
      assert.match(edited.body, new RegExp(`name="base_revision" value="${form.fields.base_revision}"`))
      assert.equal((await revisions('barrier', slug)).length, 1)
    })

    test('a double submit of the create form writes one page', async () => {
      const form = await w.c.bob.get('/solutions/new')
      const fields = { title: 'A shared sandbox', body: 'We set up a sandbox.', themes: '', summary: '', _csrf: csrfTokenIn(form.body)!, _submission: /name="_submission" value="([^"]+)"/.exec(form.body)![1]! }
      const sent = await Promise.all([1, 2, 3].map(() => w.c.bob.post('/solutions/new', fields)))
      assert.deepEqual(sent.map((r) => r.statusCode), [303, 303, 303])
      assert.equal(new Set(sent.map(location)).size, 1)
      const rows = await w.db().selectFrom('wiki_entries').select('id').where('title', '=', 'A shared sandbox').execute()
      assert.equal(rows.length, 1)
    })

    test('two people writing pages with the same title at once: each gets a page or a clear form error, never a 500 or a shared address', async () => {
      const forms = await Promise.all((['alice', 'bob', 'carol'] as const).map(async (who) => ({ who, page: await w.c[who].get('/barriers/new') })))
      const sent = await Promise.all(
        forms.map(({ who, page }) => w.c[who].post('/barriers/new', { title: 'Same title at once', body: `Written by ${who}.`, themes: '', summary: '', _csrf: csrfTokenIn(page.body)!, _submission: /name="_submission" value="([^"]+)"/.exec(page.body)![1]! })),
      )
      for (const r of sent) {
        assert.ok([303, 422].includes(r.statusCode), `answered ${r.statusCode}`)
        if (r.statusCode === 422) assert.match(r.body, /A barrier with this title was written a moment ago: send the form again/)
      }
      const rows = await w.db().selectFrom('wiki_entries').select('slug').where('title', '=', 'Same title at once').execute()
      assert.equal(rows.length, sent.filter((r) => r.statusCode === 303).length)
      assert.equal(new Set(rows.map((r) => r.slug)).size, rows.length)
    })

    test('every edit is a revision with author, summary and an accessible word diff; the history lists them', async () => {
      const slug = await w.write('barrier', 'Procurement takes a year', { body: 'Buying a tool takes a year.' })
      const form = await w.editForm('barrier', slug, 'bob')
      const saved = await w.c.bob.post(`/barriers/${slug}/edit`, { ...form.fields, body: 'Buying any small tool takes a whole year.', themes: 'procurement', summary: 'Said how small', _csrf: form.csrf })
      assert.equal(saved.statusCode, 303, errorsIn(saved))
      const rows = await revisions('barrier', slug)
      assert.deepEqual(rows.map((r) => [r.number, r.summary]), [[1, 'Wrote the barrier'], [2, 'Said how small']])
      assert.equal(rows[1]!.author_id, w.u.bob.id)
      const feed = await w.c.anonymous.get(`/barriers/${slug}/history/feed.atom`)
      assert.equal(feed.statusCode, 200)
      assert.match(feed.body, /Revision 2: Said how small/)
      const history = await w.c.anonymous.get(`/barriers/${slug}/history`)
      assert.match(history.body, /Said how small/)
      assert.match(history.body, /Wiki bob/)
      const revision = await w.c.anonymous.get(`/barriers/${slug}/revisions/2`)
      assert.equal(revision.statusCode, 200)
      assert.match(revision.body, /<ins class="openly-diff__added"><span class="govuk-visually-hidden">added: <\/span>any small<span class="govuk-visually-hidden"> \(end of added text\)<\/span><\/ins>/)
      assert.match(revision.body, /<del class="openly-diff__removed"><span class="govuk-visually-hidden">removed: <\/span>/)
      assert.equal((await w.c.anonymous.get(`/barriers/${slug}/revisions/9`)).statusCode, 404)
      assert.equal((await w.c.anonymous.get(`/barriers/${slug}/revisions/x`)).statusCode, 404)
      const same = await w.c.bob.submit(`/barriers/${slug}/edit`, { ...(await w.editForm('barrier', slug, 'bob')).fields, summary: 'Nothing' })
      assert.equal(same.statusCode, 422)
      assert.match(same.body, /You have not changed anything/)
      const noSummary = await w.c.bob.submit(`/barriers/${slug}/edit`, { ...(await w.editForm('barrier', slug, 'bob')).fields, body: 'Changed.' })
      assert.equal(noSummary.statusCode, 422)
      assert.match(noSummary.body, /Enter summary of your change/)
      assert.match(noSummary.body, /Changed\./)
    })

    test('an edit from an old revision is refused: the person’s text is kept, the diff against the current text shown, and saving again works', async () => {
      const slug = await w.write('barrier', 'Meetings without minutes', { body: 'Nobody writes anything down.' })
      const alice = await w.editForm('barrier', slug, 'alice')
      const bob = await w.editForm('barrier', slug, 'bob')
      const first = await w.c.alice.post(`/barriers/${slug}/edit`, { ...alice.fields, body: 'Nobody writes anything down, so decisions are lost.', summary: 'Consequence', _csrf: alice.csrf })
      assert.equal(first.statusCode, 303)
      const stale = await w.c.bob.post(`/barriers/${slug}/edit`, { ...bob.fields, body: 'Nobody ever writes decisions down.', summary: 'Shorter', _csrf: bob.csrf })
      assert.equal(stale.statusCode, 409)
      assert.match(stale.body, /govuk-error-summary/)
      assert.match(stale.body, /Someone else saved this page while you were editing it/)
      assert.match(stale.body, /Nobody ever writes decisions down\./, 'their text is kept')
      assert.match(stale.body, /name="base_revision" value="2"/, 'the form now starts from the current revision')
      assert.match(stale.body, /<del class="openly-diff__removed">/)
      assert.match(stale.body, /removed: <\/span>are lost</, "the current text’s words are in the diff")
      assert.equal((await revisions('barrier', slug)).length, 2, 'nothing written')
      const again = await w.c.bob.post(`/barriers/${slug}/edit`, { ...bob.fields, base_revision: '2', body: 'Nobody ever writes decisions down, so they are lost.', summary: 'Merged', _csrf: bob.csrf })
      assert.equal(again.statusCode, 303)
      assert.equal((await revisions('barrier', slug)).length, 3)
    })

    test('concurrent edits from the same revision: exactly one wins, the others are refused and nothing is half-written', async () => {
      const slug = await w.write('solution', 'Weeknotes on a shared blog', { body: 'We write weeknotes.' })
      const forms = await Promise.all((['alice', 'bob', 'carol', 'orgadmin'] as const).map(async (who) => ({ who, form: await w.editForm('solution', slug, who) })))
      const sent = await Promise.all(forms.map(({ who, form }) => w.c[who].post(`/solutions/${slug}/edit`, { ...form.fields, body: `We write weeknotes, says ${who}.`, summary: `By ${who}`, _csrf: form.csrf })))
      assert.deepEqual(sent.map((r) => r.statusCode).sort(), [303, 409, 409, 409])
      const rows = await revisions('solution', slug)
      assert.equal(rows.length, 2)
      const entry = await w.entryRow('solution', slug)
      assert.equal(entry.revision, 2)
      assert.equal(entry.body, rows[1]!.body, 'the page holds the winning revision')
    })

    test('moderators revert to an earlier revision (a new revision, audited); others cannot', async () => {
      const slug = await w.write('barrier', 'Video calls are blocked', { body: 'Only one video tool is allowed.' })
      const form = await w.editForm('barrier', slug, 'carol')
      await w.c.carol.post(`/barriers/${slug}/edit`, { ...form.fields, body: 'Spam spam spam.', summary: 'Vandalism', _csrf: form.csrf })
      const page = await w.c.bob.get(`/barriers/${slug}/revisions/1`)
      assert.doesNotMatch(page.body, /Revert to revision/)
      const forged = await w.c.bob.post(`/barriers/${slug}/revisions/1/revert`, { base_revision: '2', _csrf: csrfTokenIn(page.body)! })
      assert.equal(forged.statusCode, 404)
      const stale = await w.c.admin.submit(`/barriers/${slug}/revisions/1`, { base_revision: '1' }, `/barriers/${slug}/revisions/1/revert`)
      assert.equal(stale.statusCode, 409, 'a revert from an old view of the page is refused')
      const reverted = await w.c.admin.submit(`/barriers/${slug}/revisions/1`, { base_revision: '2' }, `/barriers/${slug}/revisions/1/revert`)
      assert.equal(reverted.statusCode, 303)
      const rows = await revisions('barrier', slug)
      assert.deepEqual(rows.map((r) => [r.number, r.reverted_to]), [[1, null], [2, null], [3, 1]])
      assert.equal((await w.entryRow('barrier', slug)).body, 'Only one video tool is allowed.')
      const logged = await w.db().selectFrom('audit_log').selectAll().where('action', '=', 'barrier.reverted').execute()
      assert.equal(logged.length, 1)
      assert.equal(logged[0]!.subject_title, 'Video calls are blocked')
    })

    test('a page a moderator hides leaves every read path but its writer’s and moderators’', async () => {
      const slug = await w.write('solution', 'Open data clinic zqwikihid', { body: 'Monthly clinic.' }, 'carol')
      const entry = await w.entryRow('solution', slug)
      const report = await w.c.admin.submit(`/report?type=solution&id=${entry.id}`, { type: 'solution', id: entry.id, reason: 'Test' }, '/report')
      assert.equal(report.statusCode, 303, errorsIn(report))
      const open = await w.db().selectFrom('reports').select('id').where('subject_id', '=', entry.id).executeTakeFirstOrThrow()
      assert.equal((await w.c.admin.submit(`/moderation/reports/${open.id}`, { action: 'hide', reason: 'Test' })).statusCode, 303)
      for (const url of [`/solutions/${slug}`, `/solutions/${slug}/history`, `/api/v1/solutions/${slug}`]) assert.equal((await w.c.bob.get(url)).statusCode, 404, url)
      assert.doesNotMatch((await w.c.bob.get('/solutions')).body, /zqwikihid/)
      assert.doesNotMatch((await w.c.anonymous.get('/search?q=zqwikihid')).body, /Open data clinic/)
      assert.doesNotMatch(await wholeSitemap((u) => w.c.anonymous.get(u)), new RegExp(slug))
      const own = await w.c.carol.get(`/solutions/${slug}`)
      assert.equal(own.statusCode, 200)
      assert.match(own.body, /A moderator has hidden this page/)
      assert.equal((await w.c.carol.get(`/solutions/${slug}/edit`)).statusCode, 404, 'nobody edits a hidden page')
      assert.equal((await w.c.admin.get(`/solutions/${slug}`)).statusCode, 200)
    })

    test('trust levels: a new account’s page with links waits for approval; its edit adding links to a page is refused', async () => {
      const t = w.t
      const original = t.app.config.trust.newAccountDays
      t.app.config.trust.newAccountDays = 3
      try {
        const held = await w.c.carol.submit('/barriers/new', { title: 'Links everywhere', body: 'See https://example.org/spam', themes: '', summary: '' })
        assert.equal(held.statusCode, 303)
        assert.match(location(held), /done=held/)
        const slug = /\/barriers\/([^/?]+)/.exec(location(held))![1]!
        assert.equal((await w.c.bob.get(`/barriers/${slug}`)).statusCode, 404)
        const plain = await w.write('barrier', 'No links here', {}, 'bob')
        const form = await w.editForm('barrier', plain, 'carol')
        const refused = await w.c.carol.post(`/barriers/${plain}/edit`, { ...form.fields, body: `${form.fields.body}\n\nhttps://example.org/spam`, summary: 'Link', _csrf: form.csrf })
        assert.equal(refused.statusCode, 422)
        assert.match(refused.body, /Your account is new, so it cannot add links/)
        assert.equal((await w.entryRow('barrier', plain)).revision, 1)
      } finally {
        t.app.config.trust.newAccountDays = original
      }
    })
  })
}
