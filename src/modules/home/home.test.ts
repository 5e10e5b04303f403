import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { indexDocument } from '../../core/search/search.ts'
import { createSpace } from '../../core/access/spaces.ts'

for (const dialect of testDialects()) {
  describe(`home and search on ${dialect}`, () => {
    let t: TestApp
    before(async () => {
      t = await buildTestApp(dialect)
      const past = new Date(Date.now() - 3600_000).toISOString()
      const future = new Date(Date.now() + 86400_000).toISOString()
      const privateSpace = await createSpace(t.app.db, { kind: 'community', visibility: 'members', name: 'Hidden circle', path: '/communities/hidden-circle' })
      const docs = [
        { type: 'project', id: 'p1', title: 'Open data for bin collections', body: 'We publish bin collection days as open data for every street.', url: '/projects/bins', spaceId: null, visibleFrom: past },
        { type: 'post', id: 'a1', title: 'Weeknotes 3: user research', body: 'We talked to residents about <script>alert(1)</script> open data and planning.', url: '/posts/w3', spaceId: null, visibleFrom: past },
        { type: 'post', id: 'draft', title: 'Draft about open data', body: 'secretdraftword is not published yet', url: '/posts/draft', spaceId: null, visibleFrom: null },
        { type: 'post', id: 'later', title: 'Scheduled open data post', body: 'scheduledword appears tomorrow', url: '/posts/later', spaceId: null, visibleFrom: future },
        { type: 'thread', id: 't1', title: 'Private procurement', body: 'privatemarkerword lives in a private community', url: '/communities/hidden-circle/threads/t1', spaceId: privateSpace, visibleFrom: past },
      ]
      for (const d of docs) await indexDocument(t.app.db, d)
    })
    after(async () => t.close())

    test('home page renders with one h1 and feed autodiscovery', async () => {
      const res = await t.app.inject('/')
      assert.equal(res.statusCode, 200)
      assert.equal(res.body.match(/<h1/g)?.length, 1)
      assert.match(res.body, /<link rel="alternate" type="application\/atom\+xml" href="\/feed.atom"/)
    })

    test('an anonymous search page is the layout Nunjucks renders around its content, the title escaped as Nunjucks does', async () => {
      // reply.renderContent renders the layout once and puts the title and content in (decision 0036).
      for (const q of [`<b> & "quotes" 'x' \\ “open data”`, 'open data', '\uE020\uE021 data']) {
        for (let i = 0; i < 2; i++) {
          const res = await t.app.inject(`/search?q=${encodeURIComponent(q)}&type=x${i}`)
          const context = { title: `Search results for “${q}”`, noindex: true, user: null, timeZone: 'Europe/London', csrfToken: null, sharedHeader: null, currentPath: '/search' }
          const [head, tail] = t.app.views.render('home/search.njk', { ...context, content: '\u0000' }).split('\u0000')
          assert.ok(res.body.startsWith(head!) && res.body.endsWith(tail!), q)
          const content = res.body.slice(head!.length, res.body.length - tail!.length)
          assert.equal(res.body, t.app.views.render('home/search.njk', { ...context, content }))
        }
      }
    })

    test('search finds published content with highlighted, escaped snippets', async () => {
      const res = await t.app.inject('/search?q=open+data')
      assert.equal(res.statusCode, 200)
      assert.match(res.body, /<mark>/)
      assert.match(res.body, /Open data for bin collections|<mark>Open<\/mark> <mark>data<\/mark>/)
      assert.doesNotMatch(res.body, /<script>alert/)
      assert.match(res.body, /Projects \(1\)/)
      // Title matches weigh more than body matches: the project named "Open data…" comes first.
      const first = /class="openly-card"[\s\S]*?<a class="govuk-link" href="([^"]+)"/.exec(res.body)
      assert.equal(first?.[1], '/projects/bins')
    })

    test('quoted phrases match only the phrase', async () => {
      const phrase = await t.app.inject('/search?q=%22bin+collection+days%22')
      assert.match(phrase.body, /1 result for/)
      const none = await t.app.inject('/search?q=%22days+collection+bin%22')
      assert.match(none.body, /0 results for/)
    })

    test('type filters narrow the results', async () => {
      const res = await t.app.inject('/search?q=open&type=post')
      assert.match(res.body, /Weeknotes 3/)
      assert.doesNotMatch(res.body, /bin collections/)
    })

    test('drafts, scheduled posts and private spaces never show to strangers', async () => {
      for (const word of ['secretdraftword', 'scheduledword', 'privatemarkerword']) {
        const res = await t.app.inject(`/search?q=${word}`)
        assert.equal(res.statusCode, 200)
        assert.match(res.body, /0 results for/, word)
        assert.doesNotMatch(res.body.replace(/value="[^"]*"|“[^”]*”|<title>[^<]*<\/title>/g, ''), new RegExp(word))
      }
    })

    test('no input breaks search', async () => {
      const inputs = ['"', '""', '"unclosed phrase', 'AND OR NOT', 'NEAR(a b)', '*', 'a*b', '-x', 'col:umn', "'; drop table users; --", '🙂🌍', '(((', 'x'.repeat(10_000), '\\', '%', '^~', '" OR 1=1 --']
      for (const q of inputs) {
        const res = await t.app.inject(`/search?q=${encodeURIComponent(q)}`)
        assert.equal(res.statusCode, 200, q.slice(0, 20))
      }
      const many = await t.app.inject(`/search?q=${encodeURIComponent('open '.repeat(2000))}&page=99999&type=nope`)
      assert.equal(many.statusCode, 200)
    })

    test('counting stops past the ranking window (200 matches) and says so', async () => {
      const t0 = new Date(Date.now() - 60_000).toISOString()
      const rows = Array.from({ length: 205 }, (_, i) => ({ id: `post:bulk${i}`, doc_type: 'post', doc_id: `bulk${i}`, title: `Bulk note ${i}`, body: 'plentifulword appears in every one of these', url: `/posts/bulk${i}`, space_id: null, visible_from: t0, updated_at: t0 }))
      for (let i = 0; i < rows.length; i += 200) await t.db.insertInto('search_documents').values(rows.slice(i, i + 200)).execute()
      const res = await t.app.inject('/search?q=plentifulword')
      assert.equal(res.statusCode, 200)
      assert.match(res.body, /More than 200 results/)
      assert.equal((res.body.match(/class="openly-card"/g) ?? []).length, 20)
    })

    test('about and accessibility pages exist', async () => {
      for (const url of ['/about', '/accessibility']) assert.equal((await t.app.inject(url)).statusCode, 200)
    })

    test('anonymous pages are cached and any write empties the cache', async () => {
      await t.app.pageCache.invalidate()
      const first = await t.app.inject('/about')
      const second = await t.app.inject('/about')
      assert.equal(first.headers['x-cache'], 'miss')
      assert.equal(second.headers['x-cache'], 'hit')
      await t.app.pageCache.invalidate()
      assert.equal((await t.app.inject('/about')).headers['x-cache'], 'miss')
    })
  })
}
