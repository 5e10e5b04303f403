import { after, before, describe, test } from 'node:test'
import { parseFeed } from '@rowanmanning/feed-parser'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { wholeSitemap } from '../../../test/support/sitemap.ts'
import { csrfTokenIn, TestClient } from '../../../test/support/client.ts'
import { challengeFields, location, organisation, person, setPhase, stateChallenge, submitIdea, type Person } from '../../../test/support/challenges.ts'
import { phaseOf } from './phases.ts'

const dates = (d: number[]) => ({ ideas_open_at: iso(d[0]!), review_at: iso(d[1]!), shortlist_at: iso(d[2]!), winners_at: iso(d[3]!), closes_at: iso(d[4]!), moved_phase: null, moved_at: null })
const jsonFeed = (body: string) => {
  const f = JSON.parse(body) as { version: string; items: Array<{ title: string; url: string; authors: Array<{ name: string }> }> }
  assert.equal(f.version, 'https://jsonfeed.org/version/1.1')
  return f
}
const iso = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString()

describe('challenge phases, decided at read time', () => {
  test('the dates decide, an organiser’s move holds until the next date passes', () => {
    assert.equal(phaseOf(dates([1, 2, 3, 4, 5])), 'upcoming')
    assert.equal(phaseOf(dates([-1, 2, 3, 4, 5])), 'ideas')
    assert.equal(phaseOf(dates([-3, -2, 3, 4, 5])), 'review')
    assert.equal(phaseOf(dates([-5, -4, -3, -2, -1])), 'closed')
    const moved = { ...dates([-3, 2, 3, 4, 5]), moved_phase: 'review', moved_at: iso(-1) }
    assert.equal(phaseOf(moved), 'review', 'moved by hand')
    assert.equal(phaseOf(moved, iso(2.5)), 'review', 'the next date (review) arrives: still review by the dates')
    assert.equal(phaseOf(moved, iso(3.5)), 'shortlist', 'after the next date the dates lead again')
    assert.equal(phaseOf({ ...dates([-3, -2, 3, 4, 5]), moved_phase: 'ideas', moved_at: iso(-3.5) }), 'review', 'a move before the last date passed no longer holds')
  })
})

for (const dialect of testDialects()) {
  describe(`challenges on ${dialect}`, () => {
    let t: TestApp
    let admin: Person
    let org: { id: string; slug: string }
    before(async () => {
      t = await buildTestApp(dialect)
      admin = await person(t, 'Organiser Admin')
      org = await organisation(t, admin)
    })
    after(async () => t?.close())

    test('a challenge is stated by an organisation’s member; others cannot name it; dates must be in order and text is kept', async () => {
      const other = await person(t)
      const res = await other.client.submit('/challenges/new', challengeFields(`organisation:${org.id}`))
      assert.equal(res.statusCode, 422)
      assert.match(res.body, /Select an organisation you belong to/)
      const bad = await admin.client.submit('/challenges/new', challengeFields(`organisation:${org.id}`, 'ideas', { title: 'Kept title zqkept', review_at: challengeFields('', 'closed').ideas_open_at }))
      assert.equal(bad.statusCode, 422)
      assert.match(bad.body, /Review starts must be after ideas open/)
      assert.match(bad.body, /govuk-error-summary/)
      assert.match(bad.body, /Kept title zqkept/)
    })

    test('the list filters by phase (as the dates say), theme and organisation', async () => {
      const a = await stateChallenge(t, admin, challengeFields(`organisation:${org.id}`, 'ideas', { title: 'Phase filter ideas', themes: 'zqtheme' }))
      const b = await stateChallenge(t, admin, challengeFields(`organisation:${org.id}`, 'closed', { title: 'Phase filter closed' }))
      const ideas = (await new TestClient(t.app).get('/challenges?phase=ideas')).body
      assert.ok(ideas.includes('Phase filter ideas') && !ideas.includes('Phase filter closed'))
      const closed = (await new TestClient(t.app).get('/challenges?phase=closed')).body
      assert.ok(closed.includes('Phase filter closed') && !closed.includes('Phase filter ideas'))
      assert.ok((await new TestClient(t.app).get('/challenges?theme=zqtheme')).body.includes('Phase filter ideas'))
      assert.ok((await new TestClient(t.app).get(`/challenges?organisation=${org.slug}`)).body.includes('Phase filter closed'))
      assert.equal((await new TestClient(t.app).get('/challenges?phase=nonsense')).statusCode, 400)
      // Moved by hand: the list and the page agree.
      const page = await admin.client.submit(`/challenges/${a.slug}`, { phase: 'review' }, `/challenges/${a.slug}/phase`)
      assert.equal(page.statusCode, 303)
      assert.ok((await new TestClient(t.app).get('/challenges?phase=review')).body.includes('Phase filter ideas'))
      assert.match((await new TestClient(t.app).get(`/challenges/${a.slug}`)).body, /govuk-tag[^"]*">In review/)
      assert.ok(b.slug)
    })

    test('organisers edit the words and dates (others get 404); the phase follows the new dates', async () => {
      const c = await stateChallenge(t, admin, challengeFields(`organisation:${org.id}`, 'ideas', { title: 'Before edit' }))
      assert.equal((await (await person(t)).client.get(`/challenges/${c.slug}/edit`)).statusCode, 404)
      const form = (await admin.client.get(`/challenges/${c.slug}/edit`)).body
      assert.match(form, /value="Before edit"/)
      const review = challengeFields('', 'review')
      const bad = await admin.client.submit(`/challenges/${c.slug}/edit`, { ...challengeFields('', 'ideas', { title: 'Kept zqedit' }), closes_at: review.ideas_open_at })
      assert.equal(bad.statusCode, 422)
      assert.ok(bad.body.includes('Kept zqedit') && bad.body.includes('Challenge closes must be after winners announced'))
      const { organiser: _o, ...fields } = review
      assert.equal((await admin.client.submit(`/challenges/${c.slug}/edit`, { ...fields, title: 'After edit' })).statusCode, 303)
      const page = (await new TestClient(t.app).get(`/challenges/${c.slug}`)).body
      assert.ok(page.includes('After edit'))
      assert.match(page, /govuk-tag[^"]*">In review/)
    })

    test('a cached challenge page moves to the next phase at its date, with no write', async () => {
      const fields = challengeFields(`organisation:${org.id}`, 'ideas', { title: 'Cache phase' })
      const c = await stateChallenge(t, admin, fields)
      // Taken after the setup, with room for a loaded machine: the two first reads must come before it.
      const soon = new Date(Date.now() + 3000)
      await t.db.updateTable('challenges').set({ review_at: soon.toISOString() }).where('id', '=', c.id).execute()
      await t.db.updateTable('scheduled_changes').set({ at: soon.toISOString() }).where('subject', '=', `challenge:${c.id}`).where('at', '>', soon.toISOString()).where('at', '<', new Date(Date.now() + 15 * 86_400_000).toISOString()).execute() // the review date (10 days) only, never the shortlist's (20)
      await t.app.pageCache.invalidate()
      const reader = new TestClient(t.app)
      assert.match((await reader.get(`/challenges/${c.slug}`)).body, />Ideas open</)
      assert.match((await reader.get(`/challenges/${c.slug}`)).body, />Ideas open</)
      await new Promise((r) => setTimeout(r, Math.max(0, soon.getTime() - Date.now() + 50)))
      assert.match((await reader.get(`/challenges/${c.slug}`)).body, /govuk-tag[^"]*">In review/, 'the cached page expired at the phase’s date')
    })

    test('votes: one per person per idea even when sent at once, withdrawable; counts on the page without JavaScript', async () => {
      const c = await stateChallenge(t, admin, challengeFields(`organisation:${org.id}`, 'ideas', { title: 'Voting race' }))
      const author = await person(t)
      const idea = await submitIdea(author, c.slug)
      const voter = await person(t)
      const csrf = csrfTokenIn((await voter.client.get(`/challenges/${c.slug}/ideas/${idea}`)).body)!
      const same = await Promise.all(Array.from({ length: 8 }, () => voter.client.post(`/challenges/${c.slug}/ideas/${idea}/vote`, { vote: 'add', _csrf: csrf })))
      assert.ok(same.every((r) => r.statusCode === 303), same.map((r) => r.statusCode).join(','))
      const others = await Promise.all(Array.from({ length: 6 }, () => person(t)))
      const forms = await Promise.all(others.map(async (p) => ({ p, csrf: csrfTokenIn((await p.client.get(`/challenges/${c.slug}`)).body)! })))
      const res = await Promise.all(forms.map(({ p, csrf }) => p.client.post(`/challenges/${c.slug}/ideas/${idea}/vote`, { vote: 'add', back: 'list?sort=newest', _csrf: csrf })))
      assert.ok(res.every((r) => r.statusCode === 303 && location(r).startsWith(`/challenges/${c.slug}?sort=newest&done=voted#idea-`)))
      const votes = await t.db.selectFrom('challenge_idea_votes').select((eb) => eb.fn.countAll<number>().as('n')).where('idea_id', '=', idea).executeTakeFirstOrThrow()
      assert.equal(Number(votes.n), 7)
      const row = await t.db.selectFrom('challenge_ideas').select('vote_count').where('id', '=', idea).executeTakeFirstOrThrow()
      assert.equal(Number(row.vote_count), 7, 'the count kept in step with racing votes')
      assert.match((await new TestClient(t.app).get(`/challenges/${c.slug}`)).body, /7 votes/)
      const page = (await voter.client.get(`/challenges/${c.slug}/ideas/${idea}`)).body
      assert.match(page, /Withdraw your vote/)
      assert.equal((await voter.client.submit(`/challenges/${c.slug}/ideas/${idea}`, { vote: 'remove' }, `/challenges/${c.slug}/ideas/${idea}/vote`)).statusCode, 303)
      assert.match((await new TestClient(t.app).get(`/challenges/${c.slug}/ideas/${idea}`)).body, /6 votes/)
      // Closed: voting is refused on the page, not a 500.
      await setPhase(t, c.id, 'closed')
      const late = await voter.client.submit(`/challenges/${c.slug}/ideas/${idea}`, { vote: 'add' }, `/challenges/${c.slug}/ideas/${idea}/vote`)
      assert.equal(late.statusCode, 409)
      assert.match(late.body, /Voting on this idea is closed/)
    })

    test('ideas sort by votes, newest, or random with a stable seed per reader', async () => {
      const c = await stateChallenge(t, admin, challengeFields(`organisation:${org.id}`, 'ideas', { title: 'Sorting' }))
      const author = await person(t)
      const ids: string[] = []
      for (let i = 0; i < 6; i++) ids.push(await submitIdea(author, c.slug, { title: `Sorted idea ${i}` }))
      const voter = await person(t)
      await voter.client.submit(`/challenges/${c.slug}/ideas/${ids[2]}`, { vote: 'add' }, `/challenges/${c.slug}/ideas/${ids[2]}/vote`)
      const order = (html: string) => [...html.matchAll(/id="idea-([^"]+)"/g)].map((m) => m[1]!)
      assert.equal(order((await voter.client.get(`/challenges/${c.slug}`)).body)[0], ids[2])
      assert.deepEqual(order((await voter.client.get(`/challenges/${c.slug}?sort=newest`)).body), [...ids].reverse())
      const mine = order((await voter.client.get(`/challenges/${c.slug}?sort=random`)).body)
      assert.deepEqual(order((await voter.client.get(`/challenges/${c.slug}?sort=random`)).body), mine, 'the same order on every visit')
      assert.deepEqual([...mine].sort(), [...ids].sort())
      const anonymous = await new TestClient(t.app).get(`/challenges/${c.slug}?sort=random`)
      assert.equal(anonymous.statusCode, 303)
      assert.match(location(anonymous), /sort=random&seed=\d+/)
      const api = JSON.parse((await voter.client.get(`/api/v1/challenges/${c.slug}/ideas?sort=random&limit=3`)).body) as { items: Array<{ id: string }>; next: string }
      const rest = JSON.parse((await voter.client.get(`/api/v1/challenges/${c.slug}/ideas?sort=random&limit=3&cursor=${api.next}`)).body) as { items: Array<{ id: string }> }
      assert.deepEqual([...api.items, ...rest.items].map((i) => i.id), mine, 'keyset pages follow the same random order')
    })

    test('submitting after ideas closed: a clear error, the text kept, nothing saved', async () => {
      const c = await stateChallenge(t, admin, challengeFields(`organisation:${org.id}`, 'ideas', { title: 'Closing' }))
      const p = await person(t)
      const form = await p.client.get(`/challenges/${c.slug}/ideas/new`)
      await setPhase(t, c.id, 'review')
      const res = await p.client.post(`/challenges/${c.slug}/ideas/new`, { title: 'Late idea zqlate', body: 'My careful words zqwords', coauthors: '', attachment_url: '', _csrf: csrfTokenIn(form.body)!, _submission: 'late-submission-token-1234' })
      assert.equal(res.statusCode, 409)
      assert.match(res.body, /govuk-error-summary/)
      assert.match(res.body, /Ideas for this challenge are closed/)
      assert.ok(res.body.includes('zqwords') && res.body.includes('zqlate'), 'the text is kept')
      const count = await t.db.selectFrom('challenge_ideas').select((eb) => eb.fn.countAll<number>().as('n')).where('challenge_id', '=', c.id).executeTakeFirstOrThrow()
      assert.equal(Number(count.n), 0)
    })

    test('ideas sent while an organiser closes ideas, all at once: each is saved before the move or refused with its text, nothing half-saved', async () => {
      const c = await stateChallenge(t, admin, challengeFields(`organisation:${org.id}`, 'ideas', { title: 'Closing race' }))
      const people = await Promise.all(Array.from({ length: 6 }, () => person(t)))
      const forms = await Promise.all(people.map(async (p) => ({ p, body: (await p.client.get(`/challenges/${c.slug}/ideas/new`)).body })))
      const organiserCsrf = csrfTokenIn((await admin.client.get(`/challenges/${c.slug}`)).body)!
      const [move, ...sent] = await Promise.all([
        admin.client.post(`/challenges/${c.slug}/phase`, { phase: 'review', _csrf: organiserCsrf }),
        ...forms.map(({ p, body }, i) => p.client.post(`/challenges/${c.slug}/ideas/new`, { title: `Racing idea ${i} zqrace`, body: `Words of idea ${i} zqracewords`, coauthors: '', attachment_url: '', _csrf: csrfTokenIn(body)!, _submission: /name="_submission" value="([^"]+)"/.exec(body)![1]! })),
      ])
      assert.equal(move!.statusCode, 303)
      for (const [i, r] of sent.entries()) {
        assert.ok([303, 409].includes(r.statusCode), `idea ${i} → ${r.statusCode}`)
        if (r.statusCode === 409) assert.ok(r.body.includes(`Words of idea ${i} zqracewords`) && /Ideas for this challenge are closed/.test(r.body), 'refused with the text kept')
      }
      const saved = await t.db.selectFrom('challenge_ideas').select('id').where('challenge_id', '=', c.id).execute()
      assert.equal(saved.length, sent.filter((r) => r.statusCode === 303).length, 'every idea answered 303 is saved, no other')
      const revisions = saved.length ? await t.db.selectFrom('challenge_idea_revisions').select('idea_id').where('idea_id', 'in', saved.map((r) => r.id)).execute() : []
      assert.equal(revisions.length, saved.length, 'each saved idea has its first version')
      // After the move answered, ideas are closed for everyone.
      const late = await people[0]!.client.submit(`/challenges/${c.slug}/ideas/new`, { title: 'After the move', body: 'Too late zqafter', coauthors: '', attachment_url: '' })
      assert.equal(late.statusCode, 409)
      assert.ok(late.body.includes('Too late zqafter'))
    })

    test('a double submit makes one idea; edits are kept as history', async () => {
      const c = await stateChallenge(t, admin, challengeFields(`organisation:${org.id}`, 'ideas', { title: 'Twice' }))
      const p = await person(t)
      const coauthor = await person(t)
      const form = (await p.client.get(`/challenges/${c.slug}/ideas/new`)).body
      const fields = { title: 'Once only', body: 'Body', coauthors: coauthor.user.handle, attachment_url: 'https://example.org/slides', _csrf: csrfTokenIn(form)!, _submission: /name="_submission" value="([^"]+)"/.exec(form)![1]! }
      const [a, b] = await Promise.all([p.client.post(`/challenges/${c.slug}/ideas/new`, fields), p.client.post(`/challenges/${c.slug}/ideas/new`, fields)])
      assert.equal(location(a), location(b))
      const rows = await t.db.selectFrom('challenge_ideas').select('id').where('challenge_id', '=', c.id).execute()
      assert.equal(rows.length, 1)
      const id = rows[0]!.id
      const edit = await coauthor.client.submit(`/challenges/${c.slug}/ideas/${id}/edit`, { title: 'Once only, better', body: 'Second words', attachment_url: '' })
      assert.equal(edit.statusCode, 303, 'a co-author edits')
      const history = (await new TestClient(t.app).get(`/challenges/${c.slug}/ideas/${id}/history`)).body
      assert.ok(history.includes('Version 2: Once only, better') && history.includes('Version 1: Once only'))
      assert.equal((await new TestClient(t.app).get(`/challenges/${c.slug}/ideas/${id}/edit`)).statusCode, 303, 'anonymous: sign in')
      assert.equal((await (await person(t)).client.get(`/challenges/${c.slug}/ideas/${id}/edit`)).statusCode, 404, 'not an author')
    })

    test('review notes and scores are for the organisers only; decisions notify the authors; a winner becomes a project, linked both ways', async () => {
      const c = await stateChallenge(t, admin, challengeFields(`organisation:${org.id}`, 'ideas', { title: 'Decisions' }))
      const author = await person(t, 'Idea Author')
      const idea = await submitIdea(author, c.slug, { title: 'Winning idea zqwin' })
      const url = `/challenges/${c.slug}/ideas/${idea}`
      await setPhase(t, c.id, 'review')
      assert.equal((await admin.client.submit(url, { score: '4', note: 'Private note zqnote' }, `${url}/review`)).statusCode, 303)
      assert.ok((await admin.client.get(url)).body.includes('zqnote'))
      for (const reader of [new TestClient(t.app), author.client, (await person(t)).client]) {
        const page = await reader.get(url)
        assert.ok(!page.body.includes('zqnote') && !page.body.includes('score 4'), 'no review on the idea page')
        assert.ok(!(await reader.get(`/api/v1/challenges/${c.slug}/ideas/${idea}`)).body.includes('zqnote'))
        assert.equal((await reader.post(`${url}/review`, { note: 'x', _csrf: csrfTokenIn(page.body) ?? '' })).statusCode >= 300, true)
      }
      assert.equal((await author.client.submit(url, { note: 'Sneaky zqsneak' }, `${url}/review`)).statusCode, 404, 'an author cannot review')
      assert.equal((await admin.client.submit(url, { decision: 'winner', reason: 'Too soon' }, `${url}/decision`)).statusCode, 409, 'winners come from the shortlist phase')
      assert.equal((await admin.client.submit(url, { decision: 'shortlist' }, `${url}/decision`)).statusCode, 303)
      await setPhase(t, c.id, 'shortlist')
      const noReason = await admin.client.submit(url, { decision: 'winner', reason: '' }, `${url}/decision`)
      assert.equal(noReason.statusCode, 422)
      assert.match(noReason.body, /Enter why it wins/)
      assert.equal((await admin.client.submit(url, { decision: 'winner', reason: 'Public reason zqreason' }, `${url}/decision`)).statusCode, 303)
      assert.ok((await new TestClient(t.app).get(`/challenges/${c.slug}`)).body.includes('zqreason'), 'the reason is public')
      const notes = await t.db.selectFrom('notifications').select('text').where('user_id', '=', author.user.id).where('kind', '=', 'challenge').execute()
      assert.deepEqual(notes.map((n) => /shortlist|winner/.exec(n.text)?.[0]).sort(), ['shortlist', 'winner'])
      // Two organisers' clicks at once make one project: the other is told it is already one.
      const csrf = csrfTokenIn((await admin.client.get(url)).body)!
      const both = await Promise.all([admin.client.post(`${url}/project`, { _csrf: csrf }), admin.client.post(`${url}/project`, { _csrf: csrf })])
      assert.deepEqual(both.map((r) => r.statusCode).sort(), [303, 409])
      const made = both.find((r) => r.statusCode === 303)!
      const projectSlug = /^\/projects\/([^/?#]+)/.exec(location(made))![1]!
      const project = (await new TestClient(t.app).get(`/projects/${projectSlug}`)).body
      assert.ok(project.includes('Winning idea zqwin') && project.includes(url), 'the project links back to the idea')
      assert.ok(project.includes('Idea Author'), 'the idea’s authors are the team')
      assert.ok((await new TestClient(t.app).get(url)).body.includes(`/projects/${projectSlug}`), 'the idea links to the project')
      const projects = await t.db.selectFrom('projects').select('id').where('name', '=', 'Winning idea zqwin').execute()
      assert.equal(projects.length, 1, 'one project only')
    })

    test('a public challenge’s ideas in RSS, Atom and JSON Feed (read by a real parser); search finds the challenge and its ideas; the API reads both', async () => {
      const c = await stateChallenge(t, admin, challengeFields(`organisation:${org.id}`, 'ideas', { title: 'Readable everywhere zqeverywhere', themes: 'zqapitheme' }))
      const author = await person(t, 'Feed Author')
      const idea = await submitIdea(author, c.slug, { title: 'Idea in feeds zqfeedidea', body: 'Body with **bold** zqfeedbody' })
      const anon = new TestClient(t.app)
      for (const format of ['rss', 'atom', 'json']) {
        const res = await anon.get(`/challenges/${c.slug}/ideas/feed.${format}`)
        assert.equal(res.statusCode, 200, format)
        // JSON Feed 1.1 is plain JSON: its fields read as the spec names them; RSS and Atom by a real feed parser.
        const feed = format === 'json' ? jsonFeed(res.body) : parseFeed(res.body)
        assert.equal(feed.items.length, 1, format)
        assert.equal(feed.items[0]!.title, 'Idea in feeds zqfeedidea', format)
        assert.match(feed.items[0]!.url ?? '', new RegExp(`/challenges/${c.slug}/ideas/${idea}$`), format)
        assert.deepEqual(feed.items[0]!.authors.map((a) => a.name), ['Feed Author'], format)
      }
      assert.ok((await anon.get('/search?q=zqeverywhere')).body.includes(`href="/challenges/${c.slug}"`), 'search finds the challenge')
      assert.ok((await anon.get('/search?q=zqfeedbody')).body.includes(`/challenges/${c.slug}/ideas/${idea}`), 'search finds the idea by its words')
      const list = JSON.parse((await anon.get('/api/v1/challenges?theme=zqapitheme')).body) as { items: Array<{ url: string; phase: string; organiser: { name: string } }> }
      assert.equal(list.items.length, 1)
      assert.match(list.items[0]!.url, new RegExp(`/challenges/${c.slug}$`))
      assert.equal(list.items[0]!.phase, 'ideas')
      const one = JSON.parse((await anon.get(`/api/v1/challenges/${c.slug}`)).body) as { problemHtml: string; prize: string }
      assert.ok(one.problemHtml.length > 0 && one.prize.length > 0)
      const ideas = JSON.parse((await anon.get(`/api/v1/challenges/${c.slug}/ideas?sort=newest`)).body) as { items: Array<{ id: string; votes: number }> }
      assert.deepEqual(ideas.items.map((i) => i.id), [idea])
      const read = JSON.parse((await anon.get(`/api/v1/challenges/${c.slug}/ideas/${idea}`)).body) as { title: string; bodyHtml: string; authors: Array<{ name: string }>; status: string }
      assert.equal(read.title, 'Idea in feeds zqfeedidea')
      assert.match(read.bodyHtml, /<strong>bold<\/strong>/)
      assert.equal(read.status, 'submitted')
      await t.app.pageCache.invalidate()
      assert.ok((await anon.get('/')).body.includes(`href="/challenges/${c.slug}"`), 'the home page’s Challenges panel shows one taking ideas')
      assert.ok((await anon.get(`/organisations/${org.slug}`)).body.includes(`href="/challenges/${c.slug}"`), 'so does its organisation’s page')
      assert.equal((await anon.get(`/api/v1/challenges/${c.slug}/ideas/nope`)).statusCode, 404)
      assert.match(String((await anon.get(`/api/v1/challenges/${c.slug}/ideas/nope`)).headers['content-type']), /problem\+json/)
    })

    test('a members-only community’s challenge and ideas stay in it: pages, API, feeds, search, sitemap', async () => {
      const host = await person(t)
      const made = await host.client.submit('/communities/new', { name: 'Private circle', description: 'Private.', themes: '', join_policy: 'invite', visibility: 'members' })
      const spaceSlug = /^\/communities\/([^/?]+)/.exec(location(made))![1]!
      const space = await t.db.selectFrom('spaces').select('id').where('path', '=', `/communities/${spaceSlug}`).executeTakeFirstOrThrow()
      const c = await stateChallenge(t, host, challengeFields(`community:${space.id}`, 'ideas', { title: 'Secret zqsecret' }))
      const idea = await submitIdea(host, c.slug, { title: 'Hidden idea zqhiddenidea' })
      const outsider = await person(t)
      for (const reader of [new TestClient(t.app), outsider.client]) {
        for (const url of [`/challenges/${c.slug}`, `/challenges/${c.slug}/ideas/${idea}`, `/api/v1/challenges/${c.slug}`, `/api/v1/challenges/${c.slug}/ideas`, `/challenges/${c.slug}/ideas/feed.atom`]) assert.equal((await reader.get(url)).statusCode, 404, url)
        for (const url of ['/challenges', '/api/v1/challenges', '/search?q=zqsecret', '/search?q=zqhiddenidea', '/sitemap.xml', '/']) {
          const body = url === '/sitemap.xml' ? await wholeSitemap((u) => reader.get(u)) : (await reader.get(url)).body
          // The search page echoes the query and marks matches: look for the addresses, which only a result would show.
          assert.ok(!body.includes(`/challenges/${c.slug}`), url)
        }
      }
      assert.ok((await host.client.get(`/challenges/${c.slug}`)).body.includes('zqhiddenidea'))
      assert.ok((await host.client.get('/search?q=zqhiddenidea')).body.includes(`/challenges/${c.slug}/ideas/${idea}`), 'its members find it')
      // A feed reader without a session reads the ideas through its member's private address; nobody else's key opens it.
      const page = (await host.client.get(`/challenges/${c.slug}`)).body
      assert.ok(page.includes(`/account/feeds?for=/challenges/${c.slug}/ideas`))
      const keyPage = await host.client.submit(`/account/feeds?for=/challenges/${c.slug}/ideas`, { action: 'reset', for: `/challenges/${c.slug}/ideas` }, '/account/feeds')
      const address = /value="http:\/\/[^/"]+([^"]+member-feed\.atom\?key=[^"]+)"/.exec(keyPage.body)![1]!.replace(/&amp;/g, '&')
      const feed = await new TestClient(t.app).get(address)
      assert.equal(feed.statusCode, 200)
      assert.ok(feed.body.includes('Hidden idea zqhiddenidea'))
      assert.match(String(feed.headers['cache-control']), /private|no-store/)
      const strangers = await outsider.client.submit('/account/feeds', { action: 'reset' })
      const key = /member-feed\.atom\?key=([A-Za-z0-9_-]+)/.exec(strangers.body)![1]
      assert.equal((await new TestClient(t.app).get(`/challenges/${c.slug}/ideas/member-feed.atom?key=${key}`)).statusCode, 404)
    })
  })
}
