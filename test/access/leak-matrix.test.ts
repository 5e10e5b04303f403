/**
 * The access leak matrix. Every kind of subject in every state (fixtures.ts, built through the
 * app's forms) × every GET route that shows it (generated from the app's route list: urls.ts) ×
 * every class of reader (oracle.ts): an allowed reader sees the item, anyone else gets 404 and no
 * trace of it in any body — lists, counts, filters, panels, search, feeds, the API, the sitemap,
 * notifications, e-mails — and no response a shared cache could hand to the wrong reader (checks.ts).
 * A route the matrix cannot classify or fill, or a kind it has no fixture for, fails the run.
 */
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { LightMyRequestResponse } from 'fastify'
import { buildTestApp, type TestApp } from '../support/app.ts'
import { testDialects } from '../support/databases.ts'
import { startMailbox, type Mailbox, type ReceivedMail } from '../support/mailbox.ts'
import { buildWorld, type World } from './fixtures.ts'
import { ACTORS, mayView, readsSpace, signedOut, VISIBILITIES, type ActorName } from './oracle.ts'
import { generate, type Entry } from './urls.ts'
import { resetFeedKey } from '../../src/core/auth/feed-keys.ts'
import { judge, judgeSitemap, makeContext, markersIn, mayMeetOn, type Context } from './checks.ts'

/**
 * Readers whose standing is on people, organisations and projects only. On URLs about community
 * content they see exactly what their stand-in sees (asserted below from the oracle), so the stand-in
 * represents them there: the matrix stays URL × class of reader, not URL × everyone.
 */
const STAND_IN: Partial<Record<ActorName, ActorName>> = { requester: 'stranger', orgadmin: 'stranger', unlistedself: 'stranger', hiddenself: 'stranger', suspendedself: 'anonymous' }
const inCommunity = (e: Entry) => e.fixture !== null && (e.fixture.kind === 'community' || e.fixture.facts.space !== undefined)
const actorsFor = (e: Entry): ActorName[] => ACTORS.filter((a) => !(inCommunity(e) && STAND_IN[a]))

/** Runs requests a few at a time: one app per dialect, keep its pool busy but not flooded. */
async function batch<T, R>(items: T[], fn: (item: T) => Promise<R>, size = 16): Promise<R[]> {
  const out: R[] = []
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(fn))))
  return out
}

/** Everything a mail shows its reader: subject, decoded parts, and the raw message (every header). */
const mailText = (mail: ReceivedMail) => `${mail.subject}\n${mail.text}\n${mail.raw}`

for (const dialect of testDialects()) {
  describe(`access leak matrix on ${dialect}`, () => {
    let t: TestApp
    let mailbox: Mailbox
    let dataDir: string
    let world: World
    let ctx: Context
    let entries: Entry[] = []
    let problems: string[] = []

    before(async () => {
      mailbox = await startMailbox()
      dataDir = mkdtempSync(join(tmpdir(), 'openly-leak-'))
      t = await buildTestApp(dialect, { config: { smtpUrl: mailbox.url, dataDir } })
      world = await buildWorld(t, mailbox)
      const labels = new Map(t.app.modules.flatMap((m) => m.searchTypes ?? []).map((s) => [s.type, s.label]))
      ctx = makeContext(world.fixtures, world.relations, t.config.baseUrl, labels)
      ;({ entries, problems } = generate(t.app, world.fixtures))
    })

    after(async () => {
      await t?.close()
      await mailbox?.close()
      rmSync(dataDir, { recursive: true, force: true })
    })

    test('fixtures exist for every kind of subject in every state', () => {
      const labels = new Set(world.fixtures.map((f) => f.label))
      const expected = [
        ...['listed', 'unlisted', 'unverified', 'suspended', 'hidden'].map((s) => `${s} person`),
        ...['public', 'hidden', 'named-but-unconfirmed'].map((s) => `${s} organisation`),
        ...['public', 'hidden', 'naming-an-organisation'].map((s) => `${s} project`),
        ...['image not yet in a post', 'image in the public post', 'image in the draft post', 'image in the hidden post', ...VISIBILITIES.map((v) => `image in the post in the ${v} community`)],
        ...['public post', 'draft post', 'scheduled post', 'hidden post', 'post from the hidden organisation', 'post about the hidden project', 'post by the unlisted person', 'comment', 'hidden comment', 'comment on the hidden post'],
        ...['published charter', 'open amendment', 'hidden amendment', 'comment on an amendment', 'hidden comment on an amendment', 'comment on the hidden amendment', 'organisation signature', 'signature of the hidden organisation', 'named personal signature', 'unnamed personal signature', 'badge of a signatory organisation', 'badge of the hidden organisation', 'pilot'],
        ...VISIBILITIES.flatMap((v) => [
          `${v} community`,
          `thread in the ${v} community`,
          `hidden thread in the ${v} community`,
          `reply in the ${v} community`,
          `hidden reply in the ${v} community`,
          `reply of the hidden thread in the ${v} community`,
          `document in the ${v} community`,
          `hidden document in the ${v} community`,
          `post in the ${v} community`,
          `open report on reply in the ${v} community`,
          `report on hidden thread in the ${v} community`,
          `event in the ${v} community`,
          `session of the event in the ${v} community`,
          `notes of the session of the event in the ${v} community`,
          `challenge in the ${v} community`,
          `idea in the ${v} community`,
          `review note in the ${v} community`,
        ]),
        ...['organisation challenge', 'idea in the organisation challenge', 'review note in the organisation challenge', 'comment on an idea', 'hidden comment on an idea', 'hidden idea', 'hidden challenge', 'idea in the hidden challenge'],
        ...['public event', 'hidden event', 'hidden session in the public community', 'who replied to the hidden event'],
        ...['barrier', 'hidden barrier', 'solution', 'hidden solution'],
        ...['still-active link of an organisation', 'still-active link of a project', 'still-active link of the hidden organisation', 'forged still-active link'],
      ]
      assert.deepEqual(expected.filter((l) => !labels.has(l)), [], 'missing fixtures')
      const words = world.fixtures.flatMap((f) => f.words)
      assert.equal(new Set(words).size, words.length, 'every marker belongs to one fixture')
    })

    test('every GET route is classified, every kind it shows has fixtures, and every pattern is filled', () => {
      assert.deepEqual(problems, [])
      for (const kind of ['community', 'thread', 'reply', 'document', 'post', 'image', 'person', 'organisation', 'project', 'tag', 'report', 'charter', 'amendment', 'signature', 'badge', 'pilot', 'event', 'event_session', 'event_attendees', 'barrier', 'solution', 'challenge', 'challenge_idea', 'still_active']) {
        assert.ok(entries.some((e) => e.fixture?.kind === kind && e.via === 'path'), `the matrix requests pages of every ${kind}`)
      }
    })

    test('stand-ins see on community URLs exactly what the readers they stand for see', () => {
      for (const [actor, standIn] of Object.entries(STAND_IN) as Array<[ActorName, ActorName]>) {
        for (const f of world.fixtures.filter((g) => g.kind === 'community' || g.facts.space)) assert.equal(mayView(actor, f), mayView(standIn, f), `${actor} and ${standIn} on ${f.label}`)
      }
    })

    test('every URL for every class of reader: allowed readers see it, others get 404 and no trace, headers keep it private', async (tc) => {
      const jobs = entries.flatMap((e) => actorsFor(e).map((actor) => ({ actor, e })))
      tc.diagnostic(`${entries.length} URLs (from ${new Set(entries.map((e) => e.pattern)).size} routes, over ${world.fixtures.length} fixtures) × ${ACTORS.length} classes of reader (stand-ins on community URLs) = ${jobs.length} requests`)
      const etags = new Map<string, Map<string, Set<string>>>()
      const found = await batch(jobs, async ({ actor, e }) => {
        const res = await world.clients[actor].get(e.url)
        const etag = res.headers.etag
        if (etag) {
          const byTag = etags.get(e.url) ?? new Map<string, Set<string>>()
          etags.set(e.url, byTag)
          byTag.set(String(etag), (byTag.get(String(etag)) ?? new Set()).add(createHash('sha1').update(res.body).digest('hex')))
        }
        if (e.pattern === '/sitemap.xml') return judgeSitemap(ctx, actor, e, res, (url) => world.clients[actor].get(url))
        return judge(ctx, actor, e, res)
      })
      const all = found.flat()
      // One ETag for two different bodies would let a cache answer one reader with the other's 304.
      for (const [url, byTag] of etags) for (const [etag, bodies] of byTag) if (bodies.size > 1) all.push(`GET ${url}: ETag ${etag} is shared by ${bodies.size} different bodies`)
      assert.deepEqual(all, [])
    })

    test('pages shared between signed-in readers: every class of reader gets exactly the page rendered for them alone', async (tc) => {
      // Decision 0023: a signed-in reader may be served a page rendered for another reader of the same standing in
      // spaces, with their own header put in. Whoever they are (a member, a host, an admin, a writer of drafts, banned,
      // an organisation's admin…), what they are served must be what the page shows them when rendered for them alone.
      const cacheable = new Set(t.app.routeList.filter((r) => r.cache && (r.serves === 'page' || r.serves === 'feed' || r.serves === 'form')).map((r) => r.url))
      const urls = [...new Set(entries.filter((e) => cacheable.has(e.pattern)).map((e) => e.url))]
      const readers = ACTORS.filter((a) => !signedOut(a))
      // The CSRF token and a create form's one-time token are each reader's and each rendering's own (shared.ts puts them in).
      const normalise = (body: string) => body.replace(/name="_csrf" value="[^"]*"/g, 'name="_csrf" value=""').replace(/name="(_submission|submission_id)" value="[^"]*"/g, 'name="$1" value=""')
      await t.app.pageCache.invalidate()
      // Plain readers render the shared pages first (twice: a key with a query string is kept on its second request).
      for (let i = 0; i < 2; i++) await batch(urls, (url) => world.clients.stranger.get(url))
      // Then every reader twice: readers with a standing in spaces render their class's page first, then are served it.
      const jobs = urls.flatMap((url) => readers.map((actor) => ({ url, actor })))
      await batch(jobs, async ({ url, actor }) => world.clients[actor].get(url))
      const served = await batch(jobs, async ({ url, actor }) => ({ url, actor, res: await world.clients[actor].get(url) }))
      const shared = served.filter((s) => s.res.headers['x-cache'] === 'shared')
      tc.diagnostic(`${urls.length} cacheable page and feed URLs × ${readers.length} signed-in readers: ${shared.length} answers were shared pages (${[...new Set(shared.map((s) => s.actor))].join(', ')})`)
      assert.ok(shared.some((s) => s.actor === 'stranger'), 'the plain reader is served shared pages')
      assert.ok(shared.some((s) => s.actor === 'member'), 'a member is served their standing’s pages')
      // Admins see hidden content: they share pages with admins alone (decision 0039), compared below like everyone's.
      assert.ok(shared.some((s) => s.actor === 'admin'), 'an admin is served admins’ pages')
      // An admin who opened a members-only space shares with admins of the same grants only (decision 0042).
      assert.ok(shared.some((s) => s.actor === 'grantadmin'), 'an admin with a grant is served the pages of their standing')
      const problems: string[] = []
      // Each shared answer against the page rendered for that reader alone (the cache off). Rendered answers are
      // theirs by definition (and some pages change once read: unread marks), so only shared ones are compared.
      t.app.pageCache.suspend()
      try {
        await batch(shared, async ({ url, actor, res }) => {
          const alone = await world.clients[actor].get(url)
          if (alone.statusCode !== res.statusCode) problems.push(`${actor} ${url}: ${res.statusCode} shared, ${alone.statusCode} alone`)
          else if (normalise(alone.body) !== normalise(res.body)) problems.push(`${actor} ${url}: the shared page differs from the page rendered for them alone`)
          else if (alone.headers['content-type'] !== res.headers['content-type']) problems.push(`${actor} ${url}: shared as ${res.headers['content-type']}, rendered as ${alone.headers['content-type']}`)
          if (!/\bprivate\b/.test(String(res.headers['cache-control']))) problems.push(`${actor} ${url}: a shared page is not Cache-Control private`)
        })
      } finally {
        t.app.pageCache.resume()
      }
      assert.deepEqual(problems, [])
    })

    test('personal feed keys: a feed reader holding a key reads exactly what its owner may, never as public; a suspended owner’s key opens nothing', async (tc) => {
      const keyed = entries.filter((e) => /\/member-feed\.(rss|atom|json)$/.test(e.pattern))
      assert.ok(keyed.length > 0, 'personal feed routes are in the route list')
      const keys = new Map<ActorName, string>()
      for (const actor of ACTORS.filter((a) => !signedOut(a) || a === 'suspendedself')) {
        if (world.userIds[actor]) keys.set(actor, await resetFeedKey(t.app.db, world.userIds[actor]!))
      }
      const reader = world.clients.anonymous
      const jobs = keyed.flatMap((e) => [...keys].filter(([actor]) => actor !== 'suspendedself').map(([actor, key]) => ({ actor, e, key })))
      tc.diagnostic(`${jobs.length} keyed feed requests`)
      const found = await batch(jobs, async ({ actor, e, key }) => judge(ctx, actor, e, await reader.get(`${e.url}?key=${key}`)))
      const problems = found.flat()
      for (const e of keyed) {
        const suspended = await reader.get(`${e.url}?key=${keys.get('suspendedself')}`)
        if (suspended.statusCode !== 404) problems.push(`suspended owner's key on ${e.url} → ${suspended.statusCode}`)
        const res = await reader.get(`${e.url}?key=${keys.get('member')}`)
        if (/\bpublic\b/.test(String(res.headers['cache-control']))) problems.push(`${e.url} with a key is Cache-Control public`)
      }
      assert.deepEqual(problems, [])
    })

    test('notifications: mentions reach only those who may read the community, and the header counts only what they may see', async () => {
      for (const actor of ['stranger', 'banned', 'removed'] as const) {
        const res = await world.clients[actor].get('/notifications')
        assert.equal(res.statusCode, 200)
        for (const vis of VISIBILITIES) {
          const thread = world.fixtures.find((f) => f.label === `thread in the ${vis} community`)!
          assert.equal(res.body.includes(thread.marker), readsSpace(actor, vis), `${actor} is told of the mention in the ${vis} community`)
        }
      }
      for (const actor of ACTORS.filter((a) => !signedOut(a))) {
        const res = await world.clients[actor].get('/about')
        const shown = Number(/openly-count">(\d+)/.exec(res.body)?.[1] ?? 0)
        const unread = await t.db.selectFrom('notifications').select('text').where('user_id', '=', world.userIds[actor]!).where('read_at', 'is', null).execute()
        const page: Entry = { url: '/notifications', pattern: '/notifications', serves: 'page', fixture: null, via: 'list' }
        const visible = unread.filter((n) => [...markersIn(n.text)].every((w) => mayMeetOn(ctx, actor, page, ctx.owners.get(w)!)))
        assert.equal(shown, visible.length, `${actor}'s header counts the unread notifications they may see`)
      }
    })

    test('e-mails: nobody is mailed a trace of what they may not see', async (tc) => {
      // An invitation by e-mail names the community to the invitee (the host chose to tell them), and nothing in it.
      const invitee = 'outsider@leak.example'
      const slug = world.fixtures.find((f) => f.label === 'members community')!.params.slug!
      const invited = await world.clients.host.submit(`/communities/${slug}/members`, { invitee }, `/communities/${slug}/members/invite`)
      assert.equal(invited.statusCode, 303)
      await mailbox.waitFor(invitee)
      tc.diagnostic(`${mailbox.messages.length} mails captured`)
      const problems: string[] = []
      for (const mail of mailbox.messages) {
        for (const to of mail.to) {
          const who = world.emails.get(to)
          const actor: ActorName = typeof who === 'string' ? who : 'anonymous'
          for (const word of markersIn(mailText(mail))) {
            const f = ctx.owners.get(word)
            const ok = f && (mayView(actor, f) || f === who || (to === invitee && f.kind === 'community'))
            if (!ok) problems.push(`mail “${mail.subject}” to ${to} shows ${word}`)
          }
        }
      }
      assert.deepEqual(problems, [])
    })

    test('making the public community private takes effect at once on every path, cached pages included', async (tc) => {
      const anonymous = world.clients.anonymous
      const cacheable = new Set(t.app.routeList.filter((r) => r.cache).map((r) => r.url))
      const publicEntries = entries.filter((e) => e.fixture === null || e.fixture.facts.space === 'public' || mayView('anonymous', e.fixture))
      // Warm the cache: a second anonymous request of a cacheable page is a hit.
      await batch(publicEntries, (e) => anonymous.get(e.url))
      const warmed = (await batch(publicEntries.filter((e) => cacheable.has(e.pattern)), async (e) => (await anonymous.get(e.url)).headers['x-cache'] === 'hit')).filter(Boolean).length
      assert.ok(warmed > 0, 'pages were served from the cache')
      const c = world.fixtures.find((f) => f.label === 'public community')!
      const edit = await world.clients.host.submit(`/communities/${c.params.slug}/edit`, { name: `Community ${c.marker}`, description: `About ${c.marker}.`, themes: '', join_policy: 'invite', visibility: 'members' })
      assert.equal(edit.statusCode, 303, `edit: ${edit.body.slice(0, 300)}`)
      // The oracle learns the change too: everything in that community is now members-only.
      for (const f of world.fixtures) if (f.facts.space === 'public') f.facts.space = 'members'
      tc.diagnostic(`${publicEntries.length} URLs checked again for anonymous and stranger readers, ${warmed} of them served from the warmed cache before the change`)
      const results = await batch(
        publicEntries.flatMap((e) => (['anonymous', 'stranger'] as const).map((actor) => ({ actor, e }))),
        async ({ actor, e }): Promise<string[]> => {
          const res: LightMyRequestResponse = await world.clients[actor].get(e.url)
          return judge(ctx, actor, e, res).map((p) => `${p} (x-cache ${res.headers['x-cache'] ?? '-'})`)
        },
      )
      assert.deepEqual(results.flat(), [])
    })
  })
}

