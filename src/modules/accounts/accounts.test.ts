import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { TestClient, csrfTokenIn } from '../../../test/support/client.ts'
import { createUser, signInAs } from '../../../test/support/factories.ts'
import { startMailbox, type Mailbox } from '../../../test/support/mailbox.ts'
import { SESSION_COOKIE } from '../../core/auth/sessions.ts'
import { peopleByHandles, peopleByIds, findVisiblePerson } from './accounts.ts'
import { ANONYMOUS } from '../../core/access/policy.ts'
import { accountsModule } from './index.ts'
import { wholeSitemap } from '../../../test/support/sitemap.ts'

/** A browser from its own network address, so the per-address limits of one test do not spill into another. */
let ipCounter = 0
class Browser extends TestClient {
  constructor(app: TestApp['app'], ip?: string) {
    ++ipCounter
    super(app, ip ?? `10.1.${Math.floor(ipCounter / 250)}.${ipCounter % 250}`)
  }
}

const linkIn = (text: string, path: string) => {
  const m = new RegExp(`http://openly\\.test(${path.replace(/[/?]/g, '\\$&')}\\?token=[A-Za-z0-9_-]+)`).exec(text)
  assert.ok(m, `no ${path} link in: ${text}`)
  return m[1]!
}
const withoutTokens = (html: string) => html.replace(/name="_csrf" value="[^"]*"/g, '')
let seq = 0
const unique = (prefix: string) => `${prefix}-${process.pid}-${++seq}`

for (const dialect of testDialects()) {
  describe(`accounts on ${dialect}`, () => {
    let t: TestApp
    let mailbox: Mailbox
    before(async () => {
      mailbox = await startMailbox()
      t = await buildTestApp(dialect, { config: { smtpUrl: mailbox.url, logMail: false } })
    })
    after(async () => {
      await t.close()
      await mailbox.close()
    })

    const signUp = (b: TestClient, fields: Record<string, string>) => b.submit('/sign-up', fields)

    test('sign-up e-mails a link that confirms the address and signs the person in', async () => {
      const b = new Browser(t.app)
      const handle = unique('new-person')
      const email = `${handle}@example.org`
      // Warm the anonymous cache of the people list: verification must empty it.
      assert.doesNotMatch((await new Browser(t.app).get('/people')).body, new RegExp(handle))

      const res = await signUp(b, { name: 'Nia Example', email: email.toUpperCase(), handle, password: 'a long enough password', listed: 'yes' })
      assert.equal(res.statusCode, 303)
      assert.equal(res.headers.location, '/check-your-email?about=sign-up')
      const page = await b.get(res.headers.location as string)
      assert.equal(page.statusCode, 200)
      assert.match(page.body, /<h1 class="govuk-heading-l">Check your email<\/h1>/)

      // Not yet public, and not able to sign in.
      assert.equal((await b.get(`/people/${handle}`)).statusCode, 404)
      const early = await b.submit('/sign-in', { email, password: 'a long enough password' })
      assert.equal(early.statusCode, 200)
      assert.match(early.body, /Confirm your email address/)
      assert.match(early.body, /action="\/verify-email\/resend"/)
      assert.equal(b.cookies.has(SESSION_COOKIE), false)

      const mail = await mailbox.waitFor(email, /Confirm your email address/)
      const link = linkIn(mail.text, '/verify-email')
      const verified = await b.get(link)
      assert.equal(verified.statusCode, 303)
      assert.equal(verified.headers.location, '/account/profile?done=verified')
      const cookie = String([verified.headers['set-cookie']].flat().find((c) => String(c).startsWith(`${SESSION_COOKIE}=`)))
      assert.match(cookie, /HttpOnly/i)
      assert.match(cookie, /SameSite=Lax/i)
      assert.match(cookie, /Path=\//)

      const profile = await b.get(verified.headers.location as string)
      assert.equal(profile.statusCode, 200)
      assert.match(profile.body, /Your email address is confirmed/)
      assert.match(profile.body, /value="Nia Example"/)
      assert.equal((await new Browser(t.app).get(`/people/${handle}`)).statusCode, 200)
      assert.match((await new Browser(t.app).get('/people')).body, new RegExp(`/people/${handle}"`))
      assert.match(profile.body, /name="listed" type="checkbox" value="yes" checked/)

      // One use only: a second click gets a clear page with a way to get a new link.
      const again = await new Browser(t.app).get(link)
      assert.equal(again.statusCode, 400)
      assert.match(again.body, /expired or has already been used/)
      assert.match(again.body, /href="\/verify-email\/resend"/)
      assert.equal((await new Browser(t.app).get('/verify-email?token=nonsense-token-that-is-long-enough')).statusCode, 400)
    })

    test('signing up with an address that has an account shows the same page and mails the owner instead', async () => {
      const owner = await createUser(t.app.db, { email: `${unique('owner')}@example.org` })
      const handle = unique('copycat')
      const res = await signUp(new Browser(t.app), { name: 'Someone Else', email: owner.email, handle, password: 'another long password' })
      const fresh = await signUp(new Browser(t.app), { name: 'Fresh Person', email: `${unique('fresh')}@example.org`, handle: unique('fresh'), password: 'another long password' })
      assert.equal(res.statusCode, fresh.statusCode)
      assert.equal(res.headers.location, fresh.headers.location)
      assert.equal(withoutTokens((await new Browser(t.app).get(res.headers.location as string)).body), withoutTokens((await new Browser(t.app).get(fresh.headers.location as string)).body))

      const note = await mailbox.waitFor(owner.email, /Someone tried to create an Openly account/)
      assert.match(note.text, /http:\/\/openly\.test\/sign-in/)
      assert.match(note.text, /http:\/\/openly\.test\/forgot-password/)
      const rows = await t.db.selectFrom('users').select(['handle']).where('email', '=', owner.email).execute()
      assert.deepEqual(rows.map((r) => r.handle), [owner.handle])
      assert.equal(await t.db.selectFrom('users').select('id').where('handle', '=', handle).executeTakeFirst(), undefined)
    })

    test('bad sign-up input re-renders with the error summary, keeps name and e-mail, never the password', async () => {
      const empty = await signUp(new Browser(t.app), { name: '', email: '', handle: '', password: '' })
      assert.equal(empty.statusCode, 422)
      assert.match(empty.body, /govuk-error-summary/)
      assert.match(empty.body, /<title>Error: Create an account – Openly<\/title>/)
      for (const message of ['Enter full name', 'Enter email address', 'Enter a handle', 'Enter a password']) assert.match(empty.body, new RegExp(message))
      assert.match(empty.body, /href="#name"/)

      const password = 'short-pw'
      const bad = await signUp(new Browser(t.app), { name: 'Kept Name', email: 'not-an-email', handle: 'Bad Handle!', password })
      assert.equal(bad.statusCode, 422)
      assert.match(bad.body, /Enter email address in the correct format/)
      assert.match(bad.body, /Handle must be 3 to 30 characters/)
      assert.match(bad.body, /Password must be 12 characters or more/)
      assert.match(bad.body, /value="Kept Name"/)
      assert.match(bad.body, /value="not-an-email"/)
      assert.doesNotMatch(bad.body, new RegExp(password))

      const long = await signUp(new Browser(t.app), { name: 'x'.repeat(101), email: `${'a'.repeat(250)}@example.org`, handle: 'a'.repeat(31), password: 'p'.repeat(201) })
      assert.equal(long.statusCode, 422)
      assert.match(long.body, /Full name must be 100 characters or fewer/)
      assert.match(long.body, /Enter email address in the correct format/)
      assert.match(long.body, /Handle must be 3 to 30 characters/)
      assert.match(long.body, /Password must be 200 characters or fewer/)

      const taken = await createUser(t.app.db, {})
      const clash = await signUp(new Browser(t.app), { name: 'Clash', email: `${unique('clash')}@example.org`, handle: taken.handle, password: 'a long enough password' })
      assert.equal(clash.statusCode, 422)
      assert.match(clash.body, /That handle is already taken/)
    })

    test('a wrong password and an unknown e-mail address get identical answers', async () => {
      const user = await createUser(t.app.db, {})
      const wrong = await new Browser(t.app).submit('/sign-in', { email: user.email, password: 'not the right password' })
      const unknown = await new Browser(t.app).submit('/sign-in', { email: user.email.replace('@', '-nobody@'), password: 'not the right password' })
      assert.equal(wrong.statusCode, 422)
      assert.equal(unknown.statusCode, 422)
      assert.match(wrong.body, /Enter a correct e-mail address and password/)
      // The forms differ only in the typed address.
      assert.equal(withoutTokens(wrong.body).replace(user.email, 'X'), withoutTokens(unknown.body).replace(user.email.replace('@', '-nobody@'), 'X'))
      assert.equal(wrong.cookies.find((c) => c.name === SESSION_COOKIE), undefined)
    })

    test('signing in goes to a local next page only', async () => {
      const user = await createUser(t.app.db, {})
      const b = new Browser(t.app)
      const res = await b.submit('/sign-in?next=%2Faccount%2Fprofile', { email: user.email.toUpperCase(), password: user.password, next: '/account/profile' })
      assert.equal(res.statusCode, 303)
      assert.equal(res.headers.location, '/account/profile')
      assert.equal((await b.get('/account/profile')).statusCode, 200)
      for (const next of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
        const r = await new Browser(t.app).submit(`/sign-in?next=${encodeURIComponent(next)}`, { email: user.email, password: user.password, next })
        assert.equal(r.headers.location, '/', next)
      }
    })

    test('sign-in needs the CSRF token', async () => {
      const user = await createUser(t.app.db, {})
      const b = new Browser(t.app)
      await b.get('/sign-in')
      const res = await b.post('/sign-in', { email: user.email, password: user.password })
      assert.equal(res.statusCode, 403)
      assert.equal(b.cookies.has(SESSION_COOKIE), false)
    })

    test('ten failures for an account from one address make that address wait; the owner elsewhere still signs in', async () => {
      const user = await createUser(t.app.db, {})
      const attacker = new Browser(t.app)
      for (let i = 0; i < 10; i++) {
        const r = await attacker.submit('/sign-in', { email: user.email, password: `wrong password ${i}` })
        assert.equal(r.statusCode, 422, `attempt ${i + 1}`)
      }
      const waiting = await attacker.submit('/sign-in', { email: user.email, password: user.password })
      assert.equal(waiting.statusCode, 429)
      assert.match(waiting.body, /Too many attempts/)
      assert.ok(Number(waiting.headers['retry-after']) >= 30)
      // The owner, from their own address, is not locked out by someone else's guesses.
      assert.equal((await new Browser(t.app).submit('/sign-in', { email: user.email, password: user.password })).statusCode, 303)
      // An address that has no account is slowed exactly alike: nothing tells the two apart.
      const prober = new Browser(t.app)
      const unknown = `${unique('nobody')}@example.org`
      const statuses: number[] = []
      for (let i = 0; i < 11; i++) statuses.push((await prober.submit('/sign-in', { email: unknown, password: `guess ${i}` })).statusCode)
      assert.deepEqual(statuses, [...Array(10).fill(422), 429])
    })

    test('an attack on one account from many addresses slows strangers, not the owner’s own browser', async () => {
      const user = await createUser(t.app.db, {})
      const owner = new Browser(t.app)
      assert.equal((await owner.submit('/sign-in', { email: user.email, password: user.password })).statusCode, 303, 'the owner signed in here before')
      // 100 failures spread over 25 addresses (4 each, under the per-address-pair limit).
      for (let a = 0; a < 25; a++) {
        const b = new Browser(t.app)
        for (let i = 0; i < 4; i++) assert.equal((await b.submit('/sign-in', { email: user.email, password: `botnet ${a}-${i}` })).statusCode, 422)
      }
      assert.equal((await new Browser(t.app).submit('/sign-in', { email: user.email, password: user.password })).statusCode, 429, 'a new browser must wait')
      owner.cookies.delete(SESSION_COOKIE)
      assert.equal((await owner.submit('/sign-in', { email: user.email, password: user.password })).statusCode, 303, 'the owner’s known browser gets in')
    })

    test('an office behind one shared address: many people mistyping once do not lock each other out', async () => {
      const office = '192.0.2.10'
      for (let i = 0; i < 40; i++) {
        const person = await createUser(t.app.db, {})
        const b = new Browser(t.app, office)
        assert.equal((await b.submit('/sign-in', { email: person.email, password: 'a typo in it' })).statusCode, 422)
        assert.equal((await b.submit('/sign-in', { email: person.email, password: person.password })).statusCode, 303, `person ${i + 1}`)
      }
    })

    test('signing out ends the session', async () => {
      const user = await createUser(t.app.db, {})
      const b = new Browser(t.app)
      await signInAs(t.app.db, b, user.id)
      const res = await b.submit('/account/profile', {}, '/sign-out')
      assert.equal(res.statusCode, 303)
      assert.equal(res.headers.location, '/')
      assert.equal(b.cookies.has(SESSION_COOKIE), false)
      const sessions = await t.db.selectFrom('sessions').select('id').where('user_id', '=', user.id).execute()
      assert.equal(sessions.length, 0)
      const after = await b.get('/account/profile')
      assert.equal(after.statusCode, 303)
      assert.equal(after.headers.location, '/sign-in?next=%2Faccount%2Fprofile')
    })

    test('a password reset sets the new password, ends every other session and signs in', async () => {
      const user = await createUser(t.app.db, {})
      const laptop = new Browser(t.app)
      const phone = new Browser(t.app)
      await signInAs(t.app.db, laptop, user.id)
      await signInAs(t.app.db, phone, user.id)
      assert.equal((await laptop.get('/account/profile')).statusCode, 200)

      const b = new Browser(t.app)
      const asked = await b.submit('/forgot-password', { email: user.email })
      const unknown = await new Browser(t.app).submit('/forgot-password', { email: `${unique('ghost')}@example.org` })
      assert.equal(asked.statusCode, 303)
      assert.equal(asked.headers.location, unknown.headers.location)
      assert.match((await b.get(asked.headers.location as string)).body, /If there is an account with that email address/)
      const bad = await new Browser(t.app).submit('/forgot-password', { email: 'nope' })
      assert.equal(bad.statusCode, 422)

      const mail = await mailbox.waitFor(user.email, /Reset your Openly password/)
      const link = linkIn(mail.text, '/reset-password')
      const form = await b.get(link)
      assert.equal(form.statusCode, 200)
      assert.match(form.body, /Choose a new password/)
      const token = new URL(link, 'http://x').searchParams.get('token')!
      const short = await b.post('/reset-password', { _csrf: csrfTokenIn(form.body)!, token, password: 'too short' })
      assert.equal(short.statusCode, 422)
      assert.match(short.body, /New password must be 12 characters or more/)

      const done = await b.submit(link, { token, password: 'a brand new passphrase' }, '/reset-password')
      assert.equal(done.statusCode, 303)
      assert.equal(done.headers.location, '/account/profile?done=password')
      assert.equal((await b.get('/account/profile')).statusCode, 200)
      assert.equal((await laptop.get('/account/profile')).statusCode, 303)
      assert.equal((await phone.get('/account/profile')).statusCode, 303)

      assert.equal((await new Browser(t.app).submit('/sign-in', { email: user.email, password: user.password })).statusCode, 422)
      assert.equal((await new Browser(t.app).submit('/sign-in', { email: user.email, password: 'a brand new passphrase' })).statusCode, 303)
      assert.equal((await new Browser(t.app).get(link)).statusCode, 400)
    })

    test('people edit their profile; handles stay unique and fields are validated', async () => {
      const user = await createUser(t.app.db, {})
      const other = await createUser(t.app.db, {})
      const b = new Browser(t.app)
      const anon = await new Browser(t.app).get('/account/profile')
      assert.equal(anon.statusCode, 303)
      await signInAs(t.app.db, b, user.id)

      const newHandle = unique('renamed')
      const saved = await b.submit('/account/profile', { name: 'Renamed Person', handle: newHandle, role: 'Service designer', bio: 'Working on <b>school transport</b>.', skills: 'user research, open data, user research', interests: 'health' })
      assert.equal(saved.statusCode, 303)
      assert.equal(saved.headers.location, '/account/profile?done=saved')
      const page = await new Browser(t.app).get(`/people/${newHandle}`)
      assert.equal(page.statusCode, 200)
      assert.equal(page.body.match(/<h1/g)?.length, 1)
      assert.match(page.body, /<title>Renamed Person – Openly<\/title>/)
      assert.match(page.body, /Working on &lt;b&gt;school transport&lt;\/b&gt;/)
      assert.match(page.body, /govuk-tag[^"]*">\s*user research\s*</)
      assert.equal(page.body.match(/>\s*user research\s*</g)?.length, 1)
      assert.match(page.body, new RegExp(`href="/people/${newHandle}/feed.atom"`))
      // The old address leads to the new one, and so does its feed, as a renamed project's do.
      const old = await new Browser(t.app).get(`/people/${user.handle}`)
      assert.equal(old.statusCode, 301)
      assert.equal(old.headers.location, `/people/${newHandle}`)
      const oldFeed = await new Browser(t.app).get(`/people/${user.handle}/feed.atom`)
      assert.equal(oldFeed.statusCode, 301)
      assert.equal(oldFeed.headers.location, `/people/${newHandle}/feed.atom`)
      assert.equal((await new Browser(t.app).get(`/people/${newHandle.toUpperCase()}`)).statusCode, 301)

      const clash = await b.submit('/account/profile', { name: 'Renamed Person', handle: other.handle, bio: 'kept bio' })
      assert.equal(clash.statusCode, 422)
      assert.match(clash.body, /That handle is already taken/)
      assert.match(clash.body, /kept bio/)

      const long = await b.submit('/account/profile', { name: '', handle: 'ok-handle', bio: 'b'.repeat(2001), role: 'r'.repeat(121) })
      assert.equal(long.statusCode, 422)
      assert.match(long.body, /Enter full name/)
      assert.match(long.body, /Bio must be 2000 characters or fewer/)
      assert.match(long.body, /Role must be 120 characters or fewer/)
      const row = await t.db.selectFrom('users').select(['name', 'handle']).where('id', '=', user.id).executeTakeFirstOrThrow()
      assert.deepEqual({ ...row }, { name: 'Renamed Person', handle: newHandle })

      const hit = await peopleByHandles(t.app.db, [newHandle.toUpperCase(), 'no-such-person'])
      assert.equal(hit.get(newHandle)?.name, 'Renamed Person')
      assert.equal(hit.size, 1)
      const byId = await peopleByIds(t.app.db, [user.id, other.id, 'missing'])
      assert.deepEqual([...byId.keys()].sort(), [user.id, other.id].sort())
      assert.deepEqual(byId.get(user.id)?.skills, ['user research', 'open data'])
    })

    test('unknown and unverified people are 404; the list pages through verified people only', async () => {
      assert.equal((await new Browser(t.app).get('/people/no-such-person')).statusCode, 404)
      const hidden = await createUser(t.app.db, { verified: false })
      assert.equal((await new Browser(t.app).get(`/people/${hidden.handle}`)).statusCode, 404)
      assert.equal(await findVisiblePerson(t.app.db, ANONYMOUS, hidden.handle), null)
      const made = []
      for (let i = 0; i < 30; i++) made.push(await createUser(t.app.db, { name: `Paging Person ${String(i).padStart(2, '0')}` }))
      t.app.pageCache.invalidate()
      const seen: string[] = []
      let url: string | null = '/people'
      let pages = 0
      while (url && pages < 20) {
        const res = await new Browser(t.app).get(url)
        assert.equal(res.statusCode, 200)
        seen.push(...[...res.body.matchAll(/href="\/people\/([a-z0-9-]+)"/g)].map((m) => m[1]!))
        url = /class="govuk-pagination__next">\s*<a[^>]*href="([^"]+)"/.exec(res.body)?.[1]?.replace(/&amp;/g, '&') ?? null
        pages++
      }
      assert.ok(pages >= 2)
      for (const p of made) assert.equal(seen.filter((h) => h === p.handle).length, 1, p.handle)
      assert.ok(!seen.includes(hidden.handle))
    })

    test('only people who chose to be listed are listed; suspended and hidden profiles are 404 to others', async () => {
      const listed = await createUser(t.app.db, { name: 'Listed Lou' })
      const unlisted = await createUser(t.app.db, { name: 'Unlisted Uma', listed: false })
      const suspended = await createUser(t.app.db, { name: 'Suspended Sid', suspended: true })
      const hidden = await createUser(t.app.db, { name: 'Hidden Hal', hidden: true })
      t.app.pageCache.invalidate()
      const anon = new Browser(t.app)
      const people = (await anon.get('/people')).body + JSON.stringify((await anon.get('/api/v1/people?limit=100')).json()) + (await wholeSitemap((url) => anon.get(url)))
      assert.match(people, new RegExp(listed.handle))
      for (const p of [unlisted, suspended, hidden]) assert.doesNotMatch(people, new RegExp(p.handle), `${p.name} is not listed`)
      // An unlisted person's own page stays reachable by link.
      assert.equal((await anon.get(`/people/${unlisted.handle}`)).statusCode, 200)
      assert.equal((await anon.get(`/api/v1/people/${unlisted.handle}`)).statusCode, 200)
      for (const p of [suspended, hidden]) {
        assert.equal((await anon.get(`/people/${p.handle}`)).statusCode, 404)
        assert.equal((await anon.get(`/api/v1/people/${p.handle}`)).statusCode, 404)
      }
      // The owner of a hidden profile still sees it, with a note; a suspended person cannot sign in at all.
      const own = new Browser(t.app)
      await signInAs(t.app.db, own, hidden.id)
      const mine = await own.get(`/people/${hidden.handle}`)
      assert.equal(mine.statusCode, 200)
      assert.match(mine.body, /A moderator has hidden this profile/)
      const refused = await new Browser(t.app).submit('/sign-in', { email: suspended.email, password: suspended.password })
      assert.equal(refused.statusCode, 422)
      assert.match(refused.body, /This account is suspended/)
    })

    test('the seed creates the verified demo people, Sam as admin, with the printed password', async () => {
      const accounts: Array<{ email: string; password: string; note: string }> = []
      await t.app.db.transaction().execute((trx) => accountsModule.seed!({ db: trx, config: t.config, accounts, modules: [accountsModule] }))
      assert.equal(accounts.length, 9)
      const people = await peopleByHandles(t.app.db, ['sam-admin', 'priya-natarajan', 'tomas-lindqvist', 'aoife-brennan', 'kwame-mensah', 'lena-vogel', 'marco-bellini', 'hannah-price', 'jordan-reyes'])
      assert.equal(people.size, 9)
      // Demo people have some history; only the newcomer is a new account (trust levels).
      const monthAgo = new Date(Date.now() - 30 * 86_400_000).toISOString()
      assert.ok([...people.values()].filter((p) => p.handle !== 'jordan-reyes').every((p) => p.createdAt < monthAgo))
      assert.ok(people.get('jordan-reyes')!.createdAt > monthAgo)
      assert.match(accounts.find((a) => a.email === 'jordan@openly.example')!.note, /new account/)
      assert.equal(people.get('sam-admin')?.isAdmin, true)
      assert.equal(people.get('priya-natarajan')?.isAdmin, false)
      assert.ok(accounts.every((a) => a.password === 'openly-demo-2026' && a.email.endsWith('@openly.example')))
      const res = await new Browser(t.app).submit('/sign-in', { email: 'priya@openly.example', password: 'openly-demo-2026' })
      assert.equal(res.statusCode, 303)
      const profile = await new Browser(t.app).get('/people/hannah-price')
      assert.equal(profile.statusCode, 200)
      assert.match(profile.body, /Riverside Health Board/)
    })

    test('the API shows public profile fields only', async () => {
      const user = await createUser(t.app.db, { name: 'Api Person' })
      const res = await t.app.inject(`/api/v1/people/${user.handle}`)
      assert.equal(res.statusCode, 200)
      assert.equal(res.json().name, 'Api Person')
      assert.doesNotMatch(res.body, new RegExp(user.email))
      const missing = await t.app.inject('/api/v1/people/no-such-person')
      assert.equal(missing.statusCode, 404)
      assert.match(missing.headers['content-type'] as string, /problem\+json/)
      const list = await t.app.inject('/api/v1/people?limit=2')
      assert.equal(list.json().items.length, 2)
      assert.equal(typeof list.json().next, 'string')
    })
  })
}
