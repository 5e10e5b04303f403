import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '../../../test/support/app.ts'
import { testDialects } from '../../../test/support/databases.ts'
import { TestClient } from '../../../test/support/client.ts'
import { createUser, signInAs } from '../../../test/support/factories.ts'
import { startMailbox, type Mailbox } from '../../../test/support/mailbox.ts'
import { modules } from '../../modules.ts'
import { composeListMail, readUnsubscribeToken, unsubscribeToken, type MailList } from './unsubscribe.ts'
import { bounceOf } from './bounces.ts'

/** Who unsubscribed from the probe list (a module keeps this in its own preferences). */
const unsubscribed: string[] = []
const probeList: MailList = { id: 'probe.news', label: 'probe news', settingsPath: '/probe/settings', async unsubscribe(_db, userId) { if (!unsubscribed.includes(userId)) unsubscribed.push(userId) } }
const probeModule = { id: 'probe', dependsOn: [], mailLists: [probeList] }

const headerOf = (raw: string, name: string) => {
  const unfolded = raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ')
  return new RegExp(`^${name}: (.*)$`, 'mi').exec(unfolded)?.[1]
}

for (const dialect of testDialects()) {
  describe(`list mail and one-click unsubscribe on ${dialect}`, () => {
    let t: TestApp
    let mailbox: Mailbox
    before(async () => {
      mailbox = await startMailbox({ refuse: (address) => address.startsWith('gone-') })
      t = await buildTestApp(dialect, { modules: [...modules, probeModule], config: { smtpUrl: mailbox.url } })
    })
    after(async () => {
      await t.close()
      await mailbox.close()
    })

    test('tokens are signed: a changed person, list or signature is refused', () => {
      const secret = t.config.sessionSecret
      const token = unsubscribeToken(secret, 'person-1', 'probe.news')
      assert.deepEqual(readUnsubscribeToken(secret, token), { userId: 'person-1', listId: 'probe.news' })
      const [payload, signature] = token.split('.')
      const other = Buffer.from(JSON.stringify(['person-2', 'probe.news'])).toString('base64url')
      assert.equal(readUnsubscribeToken(secret, `${other}.${signature}`), null)
      assert.equal(readUnsubscribeToken(secret, `${payload}.${signature!.slice(0, -2)}AA`), null)
      assert.equal(readUnsubscribeToken('another secret', token), null)
      assert.equal(readUnsubscribeToken(secret, 'not-a-token'), null)
    })

    test('a list mail has text and HTML parts, RFC 8058 headers and the link; one click unsubscribes without signing in', async () => {
      const person = await createUser(t.app.db)
      const mail = composeListMail(t.config, probeList, { to: person.email, userId: person.id, subject: 'Probe news: zqnewsx', text: 'Plain words zqnewsx.', html: '<p>HTML words <strong>zqnewsx</strong>.</p>' })
      assert.equal(await t.app.mailer.deliver(mail), 'sent')
      const received = await mailbox.waitFor(person.email, /Probe news/)
      assert.match(received.raw, /Content-Type: multipart\/alternative/i)
      assert.match(received.raw, /Content-Type: text\/plain/i)
      assert.match(received.raw, /Content-Type: text\/html/i)
      assert.match(received.text, /Plain words zqnewsx\./)
      assert.match(received.text, /<strong>zqnewsx<\/strong>/)
      assert.equal(headerOf(received.raw, 'List-Unsubscribe-Post'), 'List-Unsubscribe=One-Click')
      const header = headerOf(received.raw, 'List-Unsubscribe')
      const url = /^<(http:\/\/openly\.test\/unsubscribe\/[A-Za-z0-9_.-]+)>$/.exec(header ?? '')?.[1]
      assert.ok(url, `List-Unsubscribe header: ${header}`)
      assert.ok(received.text.includes(`Unsubscribe with one click: ${url}`), 'the link in the plain text')
      assert.ok(received.text.includes(`href="${url}"`), 'the link in the HTML')
      const path = new URL(url!).pathname

      // The link opens a page with one button; opening it changes nothing (mail scanners follow links).
      const page = await t.app.inject(path)
      assert.equal(page.statusCode, 200)
      assert.match(page.body, /Stop getting probe news\?/)
      assert.match(String(page.headers['cache-control']), /no-store/)
      assert.doesNotMatch(page.body, new RegExp(person.email.replace(/[.+]/g, '\\$&')), 'the page does not name the address')
      assert.ok(!unsubscribed.includes(person.id))

      // The mail client's one-click POST: no cookie, no CSRF token.
      const oneClick = await t.app.inject({ method: 'POST', url: path, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' })
      assert.equal(oneClick.statusCode, 200)
      assert.equal(unsubscribed.filter((id) => id === person.id).length, 1)

      // The page's button, in a browser without a session: a confirmation; again is harmless.
      const client = new TestClient(t.app)
      const button = await client.post(path, {})
      assert.equal(button.statusCode, 303)
      const doneUrl = button.headers.location as string
      assert.equal(doneUrl, `${path}?done=unsubscribed`)
      assert.match((await client.get(doneUrl)).body, /You are unsubscribed/)
      assert.equal(unsubscribed.filter((id) => id === person.id).length, 1)
    })

    test('a forged or unknown-list link is a 404 and unsubscribes nobody', async () => {
      const secret = t.config.sessionSecret
      const forged = unsubscribeToken('not the secret', 'someone', 'probe.news')
      const unknown = unsubscribeToken(secret, 'someone', 'nobody.sends-this')
      for (const token of [forged, unknown, 'garbage']) {
        assert.equal((await t.app.inject(`/unsubscribe/${token}`)).statusCode, 404)
        const post = await t.app.inject({ method: 'POST', url: `/unsubscribe/${token}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'List-Unsubscribe=One-Click' })
        assert.equal(post.statusCode, 404)
      }
      assert.ok(!unsubscribed.includes('someone'))
    })

    test('an address whose server answers 5xx bounces: list mail stops, the person is told at sign-in and can resume it', async () => {
      const person = await createUser(t.app.db, { email: `gone-${Date.now()}@example.org` })
      const listMail = () => composeListMail(t.config, probeList, { to: person.email, userId: person.id, subject: 'Probe news again', text: 'Words.', html: '<p>Words.</p>' })
      assert.equal(await t.app.mailer.deliver(listMail()), 'bounced')
      const bounce = await bounceOf(t.app.db, person.email)
      assert.equal(bounce?.code, 550)
      assert.equal(await t.app.mailer.deliver(listMail()), 'suppressed', 'no more list mail to it')

      // Signing in leads to the explanation first, then where they were going.
      const client = new TestClient(t.app)
      const signIn = await client.submit('/sign-in', { email: person.email, password: person.password, next: '/people' })
      assert.equal(signIn.statusCode, 303)
      assert.equal(signIn.headers.location, '/mail/delivery?next=%2Fpeople')
      const explained = await client.get('/mail/delivery?next=%2Fpeople')
      assert.match(explained.body, /refused our e-mail/)
      assert.match(explained.body, /550/)
      // Every rendered page says so until they act.
      const elsewhere = await client.get('/notifications')
      assert.match(elsewhere.body, /Your e-mail address refused our mail/)

      const resumed = await client.submit('/mail/delivery?next=%2Fpeople', { next: '/people' }, '/mail/delivery/resume')
      assert.equal(resumed.statusCode, 303)
      assert.equal(resumed.headers.location, '/mail/delivery?done=resumed&next=%2Fpeople')
      assert.equal(await bounceOf(t.app.db, person.email), null)
      assert.doesNotMatch((await client.get('/notifications')).body, /Your e-mail address refused our mail/)

      // Mail a person asks for (a password reset) is still tried while an address bounces.
      const other = await createUser(t.app.db, { email: `gone-again-${Date.now()}@example.org` })
      assert.equal(await t.app.mailer.deliver({ to: other.email, subject: 'Reset', text: 'x' }), 'bounced')
      assert.equal(await t.app.mailer.deliver({ to: other.email, subject: 'Reset', text: 'x' }), 'bounced')
    })

    test('a temporary failure is thrown, so a job retries it', async () => {
      const closed = await buildTestApp(dialect, { modules: [...modules, probeModule], config: { smtpUrl: 'smtp://127.0.0.1:1' } })
      try {
        const person = await createUser(closed.app.db)
        await assert.rejects(closed.app.mailer.deliver(composeListMail(closed.config, probeList, { to: person.email, userId: person.id, subject: 'x', text: 'x', html: '<p>x</p>' })))
        assert.equal(await bounceOf(closed.app.db, person.email), null)
      } finally {
        await closed.close()
      }
    })
  })
}
