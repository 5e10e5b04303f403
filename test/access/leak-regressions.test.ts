/**
 * The five leaks issue 6 found by trying Openly as a new user would, each as a named test that
 * builds only what it needs through the forms (and the moderation flow where a moderator hides
 * something). They failed on the code before the boundaries refactor (b86ce85) and pass now; the
 * leak matrix (leak-matrix.test.ts) checks the same rules on every route, these say which leak is
 * back if one fails. Only helpers that exist at b86ce85 too are used, so the file can be run there.
 */
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import type { LightMyRequestResponse } from 'fastify'
import { buildTestApp, type TestApp } from '../support/app.ts'
import { testDialects } from '../support/databases.ts'
import { TestClient } from '../support/client.ts'
import { createUser, signInAs } from '../support/factories.ts'

const location = (res: LightMyRequestResponse) => String(res.headers.location ?? '')
const slugFrom = (res: LightMyRequestResponse, prefix: string) => new RegExp(`^/${prefix}/([^/?#]+)`).exec(location(res))?.[1] ?? ''

for (const dialect of testDialects()) {
  describe(`leaks found in issue 6, on ${dialect}`, () => {
    let t: TestApp
    const as = {} as Record<'anonymous' | 'stranger' | 'member' | 'host' | 'orgadmin' | 'admin', TestClient>

    before(async () => {
      t = await buildTestApp(dialect)
      for (const name of Object.keys({ anonymous: 0, stranger: 0, member: 0, host: 0, orgadmin: 0, admin: 0 }) as Array<keyof typeof as>) {
        as[name] = new TestClient(t.app)
        if (name === 'anonymous') continue
        const user = await createUser(t.app.db, { handle: `regress-${name}`, name: `Regress ${name}`, isAdmin: name === 'admin' })
        await signInAs(t.app.db, as[name], user.id)
      }
    })
    after(async () => t?.close())

    /** Creates an organisation through its form; returns its slug. */
    async function organisation(by: TestClient, name: string): Promise<string> {
      const res = await by.submit('/organisations/new', { name, type: 'local government', country: 'Wales', region: '', website: '', description: `About ${name}.`, themes: '' })
      assert.equal(res.statusCode, 303, `create organisation: ${res.body.slice(0, 300)}`)
      return slugFrom(res, 'organisations')
    }

    /** Creates a project through its form, naming an organisation as its lead; returns its slug. */
    async function project(by: TestClient, name: string, lead: string): Promise<string> {
      const res = await by.submit('/projects/new', { name, summary: `Summary of ${name}.`, phase: 'alpha', problem: '', audience: '', looking_for: '', themes: '', places: '', technologies: '', lead_organisation: lead, partner_organisations: '', links: '', team: '' })
      assert.equal(res.statusCode, 303, `create project: ${res.body.slice(0, 300)}`)
      return slugFrom(res, 'projects')
    }

    /** A moderator reports something and hides it through the moderation queue, as they would from the page. */
    async function hide(moderator: TestClient, type: string, id: string): Promise<void> {
      const reported = await moderator.submit(`/report?type=${type}&id=${id}`, { type, id, reason: 'Leak regression' }, '/report')
      assert.equal(reported.statusCode, 303, `report ${type}: ${reported.body.slice(0, 300)}`)
      const queue = await moderator.get('/moderation')
      const reportId = /href="\/moderation\/reports\/([^"]+)"/.exec(queue.body)?.[1]
      assert.ok(reportId, 'the report is in the queue')
      const decided = await moderator.submit(`/moderation/reports/${reportId}`, { action: 'hide', reason: 'Leak regression' })
      assert.equal(decided.statusCode, 303, `hide ${type}: ${decided.body.slice(0, 300)}`)
    }

    test('an unverified person has no feed and no “posts by” page (/people/<handle>/feed.rss, /posts?author=<handle>)', async () => {
      const signUp = await new TestClient(t.app).submit('/sign-up', { name: 'Person zqunverifiedx', email: 'unverified@regress.example', handle: 'zqunverifiedx', password: 'a long enough password 1', listed: 'yes' })
      assert.equal(signUp.statusCode, 303, `sign-up: ${signUp.body.slice(0, 300)}`)
      for (const who of ['anonymous', 'stranger'] as const) {
        for (const url of ['/people/zqunverifiedx', '/people/zqunverifiedx/feed.rss', '/people/zqunverifiedx/feed.atom', '/people/zqunverifiedx/feed.json', '/posts?author=zqunverifiedx', '/api/v1/posts?author=zqunverifiedx', '/api/v1/people/zqunverifiedx']) {
          const res = await as[who].get(url)
          assert.equal(res.statusCode, 404, `${who} GET ${url}`)
          assert.ok(!res.body.includes('zqunverifiedx'), `${who} GET ${url} names the unverified person`)
        }
      }
    })

    test('an organisation hidden by a moderator leaves the /projects filter and the pages of its projects', async () => {
      const org = await organisation(as.orgadmin, 'Organisation zqhiddenorgx')
      const slug = await project(as.orgadmin, 'Project zqledbyhiddenx', org)
      const id = (JSON.parse((await as.admin.get(`/api/v1/organisations/${org}`)).body) as { id: string }).id
      await hide(as.admin, 'organisation', id)
      for (const url of ['/projects', `/projects/${slug}`, `/api/v1/projects/${slug}`, '/api/v1/projects', `/projects?organisation=${org}`]) {
        const res = await as.anonymous.get(url)
        assert.ok(res.statusCode < 500, `GET ${url}: ${res.statusCode}`)
        assert.ok(!res.body.includes('zqhiddenorgx'), `anonymous GET ${url} names the hidden organisation`)
      }
      assert.ok((await as.anonymous.get(`/projects/${slug}`)).body.includes('zqledbyhiddenx'), 'the project itself stays public')
      assert.equal((await as.anonymous.get(`/organisations/${org}`)).statusCode, 404)
    })

    test('a hidden thread takes its replies (and its title) out of anonymous search', async () => {
      const created = await as.host.submit('/communities/new', { name: 'Community zqsearchcommunityx', description: 'Searchable.', themes: '', join_policy: 'open', visibility: 'public' })
      assert.equal(created.statusCode, 303)
      const community = slugFrom(created, 'communities')
      const joined = await as.member.submit(`/communities/${community}`, {}, `/communities/${community}/join`)
      assert.equal(joined.statusCode, 303, `join: ${joined.body.slice(0, 300)}`)
      const thread = await as.host.submit(`/communities/${community}/threads/new`, { title: 'Thread zqhiddenthreadx', body: 'Opening words.' })
      assert.equal(thread.statusCode, 303)
      const threadId = /\/threads\/([^/?#]+)/.exec(location(thread))![1]!
      const reply = await as.member.submit(`/communities/${community}/threads/${threadId}`, { body: 'A reply zqreplyofhiddenx in the thread.' })
      assert.equal(reply.statusCode, 303)
      // Before: both are found, so the search below can fail.
      assert.ok((await as.anonymous.get('/search?q=zqreplyofhidden')).body.includes('zqreplyofhiddenx'), 'the reply is found while its thread is visible')
      await hide(as.host, 'thread', threadId)
      for (const q of ['zqreplyofhidden', 'zqhiddenthread']) {
        const res = await as.anonymous.get(`/search?q=${q}`)
        assert.equal(res.statusCode, 200)
        for (const word of ['zqreplyofhiddenx', 'zqhiddenthreadx']) assert.ok(!res.body.includes(word), `anonymous search for ${q} shows ${word}`)
      }
    })

    test('a private community’s feeds, fetched by a member, are not sent as public (a shared cache would serve them to anyone)', async () => {
      const created = await as.host.submit('/communities/new', { name: 'Community zqprivatefeedx', description: 'Private.', themes: '', join_policy: 'invite', visibility: 'members' })
      assert.equal(created.statusCode, 303)
      const community = slugFrom(created, 'communities')
      for (const format of ['rss', 'atom', 'json']) {
        const url = `/communities/${community}/feed.${format}`
        const res = await as.host.get(url)
        assert.equal(res.statusCode, 200, `member GET ${url}`)
        const cacheControl = String(res.headers['cache-control'] ?? '')
        const vary = String(res.headers.vary ?? '').toLowerCase()
        assert.doesNotMatch(cacheControl, /\bpublic\b/, `member GET ${url}: Cache-Control ${cacheControl}`)
        assert.ok(/\b(private|no-store)\b/.test(cacheControl) || /\bcookie\b/.test(vary), `member GET ${url}: Cache-Control “${cacheControl}”, Vary “${vary}”`)
        assert.equal((await as.anonymous.get(url)).statusCode, 404)
      }
    })

    test('naming any organisation as a project’s lead does not show on that organisation’s page until its admins confirm', async () => {
      const org = await organisation(as.orgadmin, 'Organisation zqnamedorgx')
      const slug = await project(as.stranger, 'Project zqclaimsorgx', org)
      for (const [url, word] of [
        [`/organisations/${org}`, 'zqclaimsorgx'],
        [`/api/v1/organisations/${org}`, 'zqclaimsorgx'],
        [`/projects?organisation=${org}`, 'zqclaimsorgx'],
        [`/projects/${slug}`, 'zqnamedorgx'],
        [`/api/v1/projects/${slug}`, 'zqnamedorgx'],
        ['/projects', 'zqnamedorgx'],
      ] as const) {
        const res = await as.anonymous.get(url)
        assert.equal(res.statusCode, 200, `GET ${url}`)
        assert.ok(!res.body.includes(word), `anonymous GET ${url} shows ${word}`)
      }
    })
  })
}
