/**
 * The access leak matrix: for every kind of content in a public, a signed-in-only and a
 * members-only community, for every actor, every read path must show it exactly when the policy
 * says so, and a reader who may not see something gets 404 (never 403), with none of its words in
 * the body. The URLs are generated from the app's own route list, so a new route that is not
 * classified (`config.serves`) or whose pattern the matrix cannot fill fails the test.
 *
 * Fixtures are built the way people build them: through the HTTP forms (communities, threads,
 * replies, an uploaded PDF, a post in each community), memberships through the core's spaces API.
 * Mail goes to a real in-process SMTP server and is checked too.
 */
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { LightMyRequestResponse } from 'fastify'
import { buildTestApp, type TestApp } from '../support/app.ts'
import { testDialects } from '../support/databases.ts'
import { TestClient, csrfTokenIn } from '../support/client.ts'
import { createUser, signInAs, type TestUser } from '../support/factories.ts'
import { startMailbox, type Mailbox, type ReceivedMail } from '../support/mailbox.ts'
import { setMembership } from '../../src/core/access/spaces.ts'

type Vis = 'public' | 'signed_in' | 'members'
const VISIBILITIES: Vis[] = ['public', 'signed_in', 'members']
/** One unique word per visibility, put in every piece of content of that community. */
const MARK: Record<Vis, string> = { public: 'zebracornpublic', signed_in: 'zebracornsignedin', members: 'zebracornmembers' }
/** What a search box gets: a prefix of the marker, so the echoed query is not itself a match. */
const SEARCH: Record<Vis, string> = { public: 'zebracornpub', signed_in: 'zebracornsig', members: 'zebracornmem' }
/** Tags carry no marker (tag pages echo their tag); the post's words are what must not leak. */
const TAG: Record<Vis, string> = { public: 'leakcheck-a', signed_in: 'leakcheck-b', members: 'leakcheck-c' }

const ACTORS = ['anonymous', 'stranger', 'member', 'moderator', 'host', 'admin', 'banned', 'removed'] as const
type ActorName = (typeof ACTORS)[number]

/** The policy, stated independently of the code under test (see core/access/policy.ts). */
function mayView(actor: ActorName, vis: Vis): boolean {
  switch (actor) {
    case 'admin':
      // A members-only community is a trusted space: platform admins do not read it by default.
      return vis !== 'members'
    case 'member':
    case 'moderator':
    case 'host':
      return true
    case 'anonymous':
      return vis === 'public'
    case 'banned':
      return vis === 'public'
    case 'stranger':
    case 'removed':
      return vis !== 'members'
  }
}
const mayModerate = (actor: ActorName) => actor === 'admin' || actor === 'host' || actor === 'moderator'

/** How a generated URL is judged. */
interface Entry {
  url: string
  pattern: string
  serves: string
  /** The community the URL belongs to; null for lists and pages about other things. */
  vis: Vis | null
  /** 'view': readable by whoever may view the community; 'moderate': hosts, moderators, admins. */
  rule: 'view' | 'moderate' | 'list'
  /** An allowed reader must get 200 and see the marker. */
  shows?: boolean
}

const CONTENT_SERVES = new Set(['page', 'feed', 'api', 'file', 'form', 'redirect'])
const KNOWN_SERVES = new Set([...CONTENT_SERVES, 'static', 'health'])

interface Fixture {
  slug: string
  threadId: string
  replyId: string
  documentId: string
  postSlug: string
  reportId: string | null
}

/** A tiny but real PDF whose text is the marker. */
function pdfWith(text: string): Buffer {
  const stream = `BT /F1 12 Tf 20 100 Td (${text}) Tj ET`
  return Buffer.from(
    `%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n` +
      `3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >> endobj\n` +
      `4 0 obj << /Length ${stream.length} >> stream\n${stream}\nendstream endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`,
  )
}

/** Everything a mail shows its reader: the decoded subject and parts, and the raw message (every header). */
const mailText = (mail: ReceivedMail) => `${mail.subject}\n${mail.text}\n${mail.raw}`

const location = (res: LightMyRequestResponse) => String(res.headers.location ?? '')

for (const dialect of testDialects()) {
  describe(`access leak matrix on ${dialect}`, () => {
    let t: TestApp
    let mailbox: Mailbox
    let dataDir: string
    const users = {} as Record<Exclude<ActorName, 'anonymous'>, TestUser>
    const clients = {} as Record<ActorName, TestClient>
    const fx = {} as Record<Vis, Fixture>
    let missing: string[] = []

    const has = (method: string, url: string) => t.app.routeList.some((r) => r.method === method && r.url === url)

    before(async () => {
      mailbox = await startMailbox()
      dataDir = mkdtempSync(join(tmpdir(), 'openly-leak-'))
      t = await buildTestApp(dialect, { config: { smtpUrl: mailbox.url, dataDir } })
      const db = t.db

      // What this matrix needs from other modules; missing pieces are reported, not guessed.
      for (const [method, url] of [
        ['POST', '/communities/new'],
        ['POST', '/communities/:slug/threads/new'],
        ['POST', '/communities/:slug/threads/:id'],
        ['POST', '/communities/:slug/library/upload'],
        ['POST', '/communities/:slug/edit'],
        ['POST', '/posts/new'],
        ['GET', '/search'],
      ] as const)
        if (!has(method, url)) missing.push(`${method} ${url}`)

      for (const name of ACTORS) {
        if (name !== 'anonymous') users[name] = await createUser(db, { handle: `leak-${name}`, name: `Leak ${name}`, isAdmin: name === 'admin', email: `${name}@leak.example` })
        clients[name] = new TestClient(t.app)
        if (name !== 'anonymous') await signInAs(db, clients[name], users[name].id)
      }
      if (missing.some((m) => m.startsWith('POST'))) return

      const host = clients.host
      for (const vis of VISIBILITIES) {
        const m = MARK[vis]
        const created = await host.submit('/communities/new', { name: `${m} circle`, description: `A community about ${m}.`, themes: '', join_policy: 'invite', visibility: vis })
        assert.equal(created.statusCode, 303, `create ${vis} community: ${created.statusCode} ${created.body.slice(0, 500)}`)
        const slug = /^\/communities\/([^/?]+)/.exec(location(created))![1]!
        const space = await db.selectFrom('spaces').select('id').where('path', '=', `/communities/${slug}`).executeTakeFirstOrThrow()
        await setMembership(db, space.id, users.member.id, 'member', 'active')
        await setMembership(db, space.id, users.moderator.id, 'moderator', 'active')
        await setMembership(db, space.id, users.banned.id, 'member', 'banned')
        await setMembership(db, space.id, users.removed.id, 'member', 'removed')
        const yesterday = new Date(Date.now() - 86400_000).toISOString()
        await db.updateTable('space_members').set({ updated_at: yesterday }).where('space_id', '=', space.id).where('user_id', '=', users.removed.id).execute()

        const thread = await host.submit(`/communities/${slug}/threads/new`, { title: `Thread ${m}`, body: `Opening words ${m}.` })
        assert.equal(thread.statusCode, 303, `thread in ${vis}: ${thread.body.slice(0, 300)}`)
        const threadId = /\/threads\/([^/?#]+)/.exec(location(thread))![1]!
        // Mentions of people who may not read the community: they must not learn of it.
        const reply = await clients.member.submit(`/communities/${slug}/threads/${threadId}`, { body: `A reply ${m} for @leak-stranger and @leak-removed and @leak-banned.` })
        assert.equal(reply.statusCode, 303, `reply in ${vis}: ${reply.body.slice(0, 300)}`)
        const replyId = /\/replies\/([^/?#]+)/.exec(location(reply))![1]!

        const form = await host.get(`/communities/${slug}/library/upload`)
        const boundary = `----openlyleak${Date.now()}`
        const part = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`
        const payload = Buffer.concat([
          Buffer.from(part('_csrf', csrfTokenIn(form.body) ?? '') + part('title', `Document ${m}`) + part('description', `Minutes ${m}`)),
          Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="minutes-${m}.pdf"\r\nContent-Type: application/pdf\r\n\r\n`),
          pdfWith(m),
          Buffer.from(`\r\n--${boundary}--\r\n`),
        ])
        const upload = await t.app.inject({ method: 'POST', url: `/communities/${slug}/library/upload`, payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, cookie: [...host.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } })
        assert.equal(upload.statusCode, 303, `upload in ${vis}: ${upload.body.slice(0, 300)}`)
        const library = await host.get(`/communities/${slug}/library`)
        const documentId = new RegExp(`/communities/${slug}/documents/([^/"]+)/download`).exec(library.body)?.[1] ?? ''
        assert.ok(documentId, `document id on the ${vis} library page`)

        const post = await host.submit('/posts/new', { title: `Post ${m}`, summary: `Summary ${m}`, body: `Post body ${m}.`, tags: TAG[vis], community: space.id, publish: 'publish' })
        assert.equal(post.statusCode, 303, `post in ${vis}: ${(post.body.match(/govuk-error-message[^]*?<\/p>/g) ?? []).join(" ")}`)
        const postSlug = /^\/posts\/([^/?]+)/.exec(location(post))?.[1] ?? ''
        assert.ok(postSlug, `post slug from ${location(post)}`)

        // A report on the reply, if the communities module registered replies for moderation.
        let reportId: string | null = null
        const report = await clients.member.submit(`/report?type=reply&id=${replyId}`, { type: 'reply', id: replyId, reason: `Reported ${m}` }, '/report')
        if (report.statusCode === 303) reportId = (await db.selectFrom('reports').select('id').where('subject_id', '=', replyId).executeTakeFirst())?.id ?? null
        fx[vis] = { slug, threadId, replyId, documentId, postSlug, reportId }
      }
    })

    after(async () => {
      await t?.close()
      await mailbox?.close()
      rmSync(dataDir, { recursive: true, force: true })
    })

    test('every GET route says what it serves', () => {
      // @fastify/static registers its own wildcard route and takes no route config: GOV.UK Frontend's fonts and images.
      const exempt = new Set(['/assets/*'])
      const unclassified = t.app.routeList.filter((r) => r.method === 'GET' && !exempt.has(r.url) && (!r.serves || !KNOWN_SERVES.has(r.serves)))
      assert.deepEqual(unclassified.map((r) => r.url), [], 'routes without config.serves (or with an unknown value)')
    })

    /** Turns one route pattern into concrete URLs for every fixture, or null when the matrix does not know it. */
    function fill(pattern: string, serves: string): Entry[] | null {
      const per = (rule: Entry['rule'], url: (f: Fixture, vis: Vis) => string | null, shows = false): Entry[] =>
        VISIBILITIES.flatMap((vis) => {
          const u = url(fx[vis], vis)
          return u ? [{ url: u, pattern, serves, vis, rule, shows }] : []
        })
      const global = (...urls: string[]): Entry[] => urls.map((url) => ({ url, pattern, serves, vis: null, rule: 'list' as const }))
      const feed = pattern.match(/\/feed\.(rss|atom|json)$/)?.[0] ?? ''
      const base = feed ? pattern.slice(0, -feed.length) || '/' : pattern
      const c = (f: Fixture) => `/communities/${f.slug}`
      const known: Record<string, () => Entry[]> = {
        '/communities/:slug': () => per('view', (f) => c(f), true),
        '/communities/:slug/edit': () => per('view', (f) => `${c(f)}/edit`),
        '/communities/:slug/members': () => per('view', (f) => `${c(f)}/members`),
        '/communities/:slug/invitation': () => per('view', (f) => `${c(f)}/invitation`),
        '/communities/:slug/threads': () => per('view', (f) => `${c(f)}/threads`, true),
        '/communities/:slug/threads/new': () => per('view', (f) => `${c(f)}/threads/new`),
        '/communities/:slug/threads/:id': () => per('view', (f) => `${c(f)}/threads/${f.threadId}`, true),
        '/communities/:slug/threads/:id/edit': () => per('view', (f) => `${c(f)}/threads/${f.threadId}/edit`),
        '/communities/:slug/threads/:id/history': () => per('view', (f) => `${c(f)}/threads/${f.threadId}/history`),
        '/communities/:slug/threads/:id/replies/:replyId': () => per('view', (f) => `${c(f)}/threads/${f.threadId}/replies/${f.replyId}`),
        '/communities/:slug/threads/:id/replies/:replyId/edit': () => per('view', (f) => `${c(f)}/threads/${f.threadId}/replies/${f.replyId}/edit`),
        '/communities/:slug/threads/:id/replies/:replyId/history': () => per('view', (f) => `${c(f)}/threads/${f.threadId}/replies/${f.replyId}/history`),
        '/communities/:slug/library': () => per('view', (f) => `${c(f)}/library`, true),
        '/communities/:slug/library/upload': () => per('view', (f) => `${c(f)}/library/upload`),
        '/communities/:slug/library/link': () => per('view', (f) => `${c(f)}/library/link`),
        '/communities/:slug/documents/:id/download': () => per('view', (f) => `${c(f)}/documents/${f.documentId}/download`, true),
        '/communities/:slug/posts': () => per('view', (f) => `${c(f)}/posts`, true),
        '/posts/:slug': () => per('view', (f) => `/posts/${f.postSlug}`, true),
        '/posts/:slug/edit': () => per('view', (f) => `/posts/${f.postSlug}/edit`),
        '/api/v1/posts/:slug': () => per('view', (f) => `/api/v1/posts/${f.postSlug}`, true),
        '/api/v1/communities/:slug': () => per('view', (f) => `/api/v1${c(f)}`, true),
        '/api/v1/communities/:slug/threads': () => per('view', (f) => `/api/v1${c(f)}/threads`, true),
        '/api/v1/communities/:slug/threads/:id': () => per('view', (f) => `/api/v1${c(f)}/threads/${f.threadId}`, true),
        '/moderation/reports/:id': () => per('moderate', (f) => (f.reportId ? `/moderation/reports/${f.reportId}` : null)),
        '/report': () => [...per('view', (f) => `/report?type=reply&id=${f.replyId}`), ...per('view', (f) => `/report?type=thread&id=${f.threadId}`)],
        '/search': () => [...global('/search'), ...VISIBILITIES.map((vis) => ({ url: `/search?q=${SEARCH[vis]}`, pattern, serves, vis, rule: 'list' as const, shows: true }))],
        '/api/v1/search': () => VISIBILITIES.map((vis) => ({ url: `/api/v1/search?q=${SEARCH[vis]}`, pattern, serves, vis, rule: 'list' as const, shows: true })),
        '/tags/:tag': () => VISIBILITIES.map((vis) => ({ url: `/tags/${TAG[vis]}`, pattern, serves, vis, rule: 'list' as const, shows: true })),
        '/people/:handle': () => global(...(['host', 'member', 'stranger'] as const).map((a) => `/people/${users[a].handle}`)),
        '/api/v1/people/:handle': () => global(...(['host', 'member'] as const).map((a) => `/api/v1/people/${users[a].handle}`)),
        // Pages about organisations and projects hold no community content in these fixtures, but
        // must not pull any in (timelines, panels): one unknown slug is enough to exercise the route.
        '/organisations/:slug': () => global('/organisations/no-such-organisation'),
        '/organisations/:slug/edit': () => global('/organisations/no-such-organisation/edit'),
        '/organisations/:slug/members': () => global('/organisations/no-such-organisation/members'),
        '/organisations/:slug/project-requests': () => global('/organisations/no-such-organisation/project-requests'),
        // Admins only; names the community (admins see private communities' names, never their content).
        '/communities/:slug/admin-access': () => global(`/communities/${fx.public.slug}/admin-access`),
        '/api/v1/organisations/:slug': () => global('/api/v1/organisations/no-such-organisation'),
        '/projects/:slug': () => global('/projects/no-such-project'),
        '/projects/:slug/edit': () => global('/projects/no-such-project/edit'),
        '/api/v1/projects/:slug': () => global('/api/v1/projects/no-such-project'),
      }
      // Feeds mirror their page: the same URLs with the feed suffix.
      if (feed) {
        const page = known[base]
        if (base === '/') return global(feed)
        if (!base.includes(':')) return global(pattern)
        if (!page) return null
        return page().map((e) => ({ ...e, pattern, serves, url: e.url.replace(/(\?.*)?$/, (q) => `${feed}${q}`) }))
      }
      if (known[pattern]) return known[pattern]()
      if (!pattern.includes(':') && !pattern.includes('*')) return global(pattern)
      return null
    }

    /** Runs requests a few at a time (one app per dialect, so keep the pool busy but not flooded). */
    async function batch<T, R>(items: T[], fn: (item: T) => Promise<R>, size = 16): Promise<R[]> {
      const out: R[] = []
      for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(fn))))
      return out
    }

    function entries(): { list: Entry[]; unknown: string[] } {
      const list: Entry[] = []
      const unknown: string[] = []
      for (const r of t.app.routeList) {
        if (r.method !== 'GET' || !r.serves || !CONTENT_SERVES.has(r.serves)) continue
        const filled = fill(r.url, r.serves)
        if (filled === null) unknown.push(r.url)
        else list.push(...filled)
      }
      return { list, unknown }
    }

    /** Checks one response against the policy; returns a problem description or null. */
    /** Where a platform admin meets a trusted space by design: reports about it, and the list of private communities' names. */
    const ADMIN_REACH = new Set(['/moderation', '/moderation/reports/:id', '/admin'])

    function judge(actor: ActorName, e: Entry, res: LightMyRequestResponse): string | null {
      const body = res.body
      const forbidden = VISIBILITIES.filter((v) => !mayView(actor, v) && !(actor === 'admin' && ADMIN_REACH.has(e.pattern))).map((v) => MARK[v])
      const leaked = forbidden.filter((m) => body.includes(m))
      const where = `${actor} GET ${e.url} → ${res.statusCode}`
      if (res.statusCode >= 500) return `${where}: server error`
      if (leaked.length) return `${where}: body shows ${leaked.join(', ')}`
      if (e.rule === 'list') {
        if (e.vis && e.shows && res.statusCode === 200 && mayView(actor, e.vis) && !body.includes(MARK[e.vis])) return `${where}: allowed reader does not see ${MARK[e.vis]}`
        return null
      }
      // Reports reach platform admins from every space (that is how they act on a trusted space, one item at a time).
      const allowed = e.rule === 'moderate' ? mayModerate(actor) && (actor === 'admin' || mayView(actor, e.vis!)) : mayView(actor, e.vis!)
      const toSignIn = (res.statusCode === 302 || res.statusCode === 303) && location(res).startsWith('/sign-in')
      if (!allowed) {
        if (res.statusCode === 404) return null
        // Anonymous readers of forms are sent to sign in before anything is looked up: reveals nothing.
        if (actor === 'anonymous' && toSignIn && (e.serves === 'form' || e.rule === 'moderate')) return null
        return `${where}: expected 404`
      }
      // Forms may refuse a reader who can see the thing but not change it (404 from an author-only edit form is fine).
      if (res.statusCode === 404 && e.serves !== 'form') return `${where}: allowed reader gets 404`
      if (e.shows) {
        if (res.statusCode !== 200) return `${where}: expected 200`
        if (!body.includes(MARK[e.vis!])) return `${where}: allowed reader does not see ${MARK[e.vis!]}`
      }
      return null
    }

    test('every content route is covered for every actor: allowed readers see it, others get 404 and none of its words', async (ctx) => {
      if (missing.some((m) => m.startsWith('POST'))) return ctx.skip(`fixtures need routes not present yet: ${missing.join(', ')}`)
      const { list, unknown } = entries()
      assert.deepEqual(unknown, [], 'GET routes the leak matrix does not know how to fill: add them to fill()')
      const jobs = ACTORS.flatMap((actor) => list.map((e) => ({ actor, e })))
      // The matrix is only as good as its coverage: every fixture kind must be in it.
      for (const kind of ['/communities/:slug', '/communities/:slug/threads/:id', '/communities/:slug/members', '/communities/:slug/documents/:id/download', '/posts/:slug', '/tags/:tag', '/search', '/sitemap.xml', '/notifications', '/people/:handle'])
        assert.ok(list.some((e) => e.pattern === kind), `the matrix covers ${kind}`)
      ctx.diagnostic(`${list.length} URLs × ${ACTORS.length} actors = ${jobs.length} requests; reports filed: ${VISIBILITIES.filter((v) => fx[v].reportId).length}/3`)
      const problems = (await batch(jobs, async ({ actor, e }) => judge(actor, e, await clients[actor].get(e.url)))).filter((p): p is string => p !== null)
      assert.deepEqual(problems, [])
      // A stranger who is not allowed sees 404 for the members-only community, never 403.
      const res = await clients.stranger.get(`/communities/${fx.members.slug}`)
      assert.equal(res.statusCode, 404)
    })

    test('notifications: people mentioned in a community they may not read are not told about it', async (ctx) => {
      if (missing.some((m) => m.startsWith('POST'))) return ctx.skip('fixtures missing')
      for (const actor of ['stranger', 'banned', 'removed'] as const) {
        const res = await clients[actor].get('/notifications')
        assert.equal(res.statusCode, 200)
        for (const vis of VISIBILITIES) if (!mayView(actor, vis)) assert.ok(!res.body.includes(MARK[vis]), `${actor} notifications show ${MARK[vis]}`)
        const count = /openly-count">(\d+)/.exec(res.body)?.[1]
        const visible = await t.db.selectFrom('notifications').select('text').where('user_id', '=', users[actor].id).where('read_at', 'is', null).execute()
        const shouldCount = visible.filter((n) => VISIBILITIES.every((v) => mayView(actor, v) || !n.text.includes(MARK[v]))).length
        assert.equal(Number(count ?? 0), shouldCount, `${actor}'s header count counts only what they may see`)
      }
    })

    test('e-mails: nobody is mailed words from a community they may not read', async (ctx) => {
      if (missing.some((m) => m.startsWith('POST'))) return ctx.skip('fixtures missing')
      await new Promise((r) => setTimeout(r, 300))
      // An invitation by e-mail names the community to the invitee (the host chose to tell them), but nothing in it.
      const invitee = 'outsider@leak.example'
      const invited = await clients.host.submit(`/communities/${fx.members.slug}/members`, { invitee }, `/communities/${fx.members.slug}/members/invite`)
      assert.equal(invited.statusCode, 303)
      await mailbox.waitFor(invitee, undefined, 5000).catch(() => undefined)
      const mails = mailbox.messages
      ctx.diagnostic(`${mails.length} mails captured`)
      assert.ok(mails.some((m) => m.to.includes(invitee)), 'the invitation reached the SMTP server')
      const contentWords = (vis: Vis) => [`Opening words ${MARK[vis]}`, `A reply ${MARK[vis]}`, `Minutes ${MARK[vis]}`, `Post body ${MARK[vis]}`, `Thread ${MARK[vis]}`, `Document ${MARK[vis]}`]
      const byEmail = new Map<string, ActorName>(Object.entries(users).map(([name, u]) => [u.email.toLowerCase(), name as ActorName]))
      const problems: string[] = []
      for (const mail of mails) {
        for (const to of mail.to) {
          const actor = byEmail.get(to) ?? 'anonymous'
          for (const vis of VISIBILITIES) {
            if (mayView(actor, vis)) continue
            const words = to === invitee && vis === 'members' ? contentWords(vis) : [MARK[vis]]
            for (const w of words) if (mailText(mail).includes(w)) problems.push(`mail to ${to} (${actor}) shows “${w}”`)
          }
        }
      }
      assert.deepEqual(problems, [])
    })

    test('making the public community private takes effect at once on every path, cached pages included', async (ctx) => {
      if (missing.some((m) => m.startsWith('POST'))) return ctx.skip('fixtures missing')
      const anon = clients.anonymous
      const { list } = entries()
      const publicUrls = list.filter((e) => e.vis === 'public' || e.vis === null)
      const cacheable = new Set(t.app.routeList.filter((r) => r.cache).map((r) => r.url))
      // Warm the cache: the second anonymous request of a cacheable page is a hit.
      await batch(publicUrls, (e) => anon.get(e.url))
      const second = await anon.get(`/communities/${fx.public.slug}`)
      assert.equal(second.headers['x-cache'], 'hit', 'the community page was cached')
      assert.ok(second.body.includes(MARK.public))
      const warmed = (await batch(publicUrls.filter((e) => cacheable.has(e.pattern)), async (e) => ({ e, res: await anon.get(e.url) }))).filter(({ res }) => res.headers['x-cache'] === 'hit')
      assert.ok(warmed.length > 0)
      ctx.diagnostic(`${publicUrls.length} anonymous URLs checked after the switch, ${warmed.length} of them served from the warmed cache before it`)

      const edit = await clients.host.submit(`/communities/${fx.public.slug}/edit`, { name: `${MARK.public} circle`, description: `A community about ${MARK.public}.`, themes: '', join_policy: 'invite', visibility: 'members' })
      assert.equal(edit.statusCode, 303, `edit: ${edit.body.slice(0, 300)}`)

      const problems: string[] = []
      await batch(publicUrls, async (e) => {
        const res = await anon.get(e.url)
        if (res.body.includes(MARK.public)) problems.push(`anonymous GET ${e.url} → ${res.statusCode} (x-cache ${res.headers['x-cache'] ?? '-'}) still shows ${MARK.public}`)
        if (e.vis === 'public' && e.rule !== 'list' && res.statusCode !== 404 && !(e.serves === 'form' && res.statusCode === 303)) problems.push(`anonymous GET ${e.url} → ${res.statusCode}, expected 404`)
      })
      // Signed-in strangers too (different code path: no page cache).
      const stranger = await clients.stranger.get(`/communities/${fx.public.slug}`)
      if (stranger.statusCode !== 404) problems.push(`stranger still gets ${stranger.statusCode} for the now-private community`)
      assert.deepEqual(problems, [])
    })
  })
}
