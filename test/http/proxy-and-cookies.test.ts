/**
 * No cheap denial of service, no lock-out (issue 12): a forged X-Forwarded-For does not choose the address the
 * sign-in limits count by unless TRUST_PROXY names the proxy; cookies carry `__Host-` on https; every response
 * has a Permissions-Policy; the CSRF secret is new after sign-in.
 */
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { loadConfig } from '../../src/config.ts'
import { buildTestApp, type TestApp } from '../support/app.ts'
import { testDialects } from '../support/databases.ts'
import { createUser, type TestUser } from '../support/factories.ts'
import { TestClient, csrfTokenIn } from '../support/client.ts'
import { PER_PAIR } from '../../src/modules/accounts/accounts.throttle.ts'

describe('TRUST_PROXY', () => {
  test('is off by default; takes a hop count or addresses and CIDR ranges; refuses anything else with a clear message', () => {
    assert.equal(loadConfig({}).trustProxy, false)
    assert.equal(loadConfig({ TRUST_PROXY: 'off' }).trustProxy, false)
    assert.equal(loadConfig({ TRUST_PROXY: '2' }).trustProxy, 2)
    assert.deepEqual(loadConfig({ TRUST_PROXY: '10.0.0.1, 192.168.0.0/16,::1,fd00::/8,loopback' }).trustProxy, ['10.0.0.1', '192.168.0.0/16', '::1', 'fd00::/8', 'loopback'])
    for (const bad of ['true', 'yes-please', '10.0.0.0/33', '300.1.1.1', '0.0.0.0/0/1', '11']) {
      assert.throws(() => loadConfig({ TRUST_PROXY: bad }), /TRUST_PROXY must be/, bad)
    }
  })
})

for (const dialect of testDialects()) {
  describe(`addresses, cookies and headers on ${dialect}`, () => {
    const apps: TestApp[] = []
    after(async () => {
      for (const a of apps) await a.close()
    })
    const start = async (config: Parameters<typeof buildTestApp>[1] = {}) => {
      const t = await buildTestApp(dialect, config)
      apps.push(t)
      return t
    }

    /** Fails to sign in to `user` once, from `remoteAddress`, claiming to be `forwardedFor`. Returns the status. */
    async function failOnce(t: TestApp, user: TestUser, remoteAddress: string, forwardedFor: string): Promise<number> {
      const client = new TestClient(t.app, remoteAddress)
      const form = await client.get('/sign-in')
      const res = await client.post('/sign-in', { email: user.email, password: 'not the password', _csrf: csrfTokenIn(form.body)! }, { 'x-forwarded-for': forwardedFor })
      return res.statusCode
    }

    test('without TRUST_PROXY a forged X-Forwarded-For does not move the sign-in limit to another address', async () => {
      const t = await start()
      const user = await createUser(t.app.db)
      for (let i = 0; i < PER_PAIR; i++) assert.equal(await failOnce(t, user, '203.0.113.7', `198.51.100.${i}`), 422)
      assert.equal(await failOnce(t, user, '203.0.113.7', '198.51.100.200'), 429)
      // Another real address is not slowed down.
      assert.equal(await failOnce(t, user, '203.0.113.8', '198.51.100.200'), 422)
    })

    test('with TRUST_PROXY naming the proxy, its X-Forwarded-For is believed, and nobody else’s', async () => {
      const t = await start({ config: { trustProxy: ['10.1.0.0/16'] } })
      const user = await createUser(t.app.db)
      // Through the proxy: each client address has its own count.
      for (let i = 0; i < PER_PAIR + 2; i++) assert.equal(await failOnce(t, user, '10.1.2.3', `198.51.100.${i}`), 422)
      // Straight from an untrusted address, the header is ignored: the attacker's own address fills up.
      for (let i = 0; i < PER_PAIR; i++) assert.equal(await failOnce(t, user, '203.0.113.9', `198.51.100.${50 + i}`), 422)
      assert.equal(await failOnce(t, user, '203.0.113.9', '198.51.100.99'), 429)
    })

    test('with a hop count, the address the nearest proxy saw is the client’s, whatever the client wrote before it', async () => {
      const t = await start({ config: { trustProxy: 1 } })
      const user = await createUser(t.app.db)
      // The proxy appends the address it saw; what the client forged in front of it is ignored.
      for (let i = 0; i < PER_PAIR; i++) assert.equal(await failOnce(t, user, '10.9.9.9', `198.51.100.${i}, 203.0.113.50`), 422)
      assert.equal(await failOnce(t, user, '10.9.9.9', '198.51.100.77, 203.0.113.50'), 429)
      assert.equal(await failOnce(t, user, '10.9.9.9', '198.51.100.77, 203.0.113.51'), 422)
    })

    test('cookies are __Host- on https, plain in development; every response has a Permissions-Policy; the CSRF secret changes at sign-in', async () => {
      const secure = await start({ config: { baseUrl: 'https://openly.test', secureCookies: true } })
      const user = await createUser(secure.app.db)
      const client = new TestClient(secure.app)
      const form = await client.get('/sign-in')
      assert.match(String(form.headers['permissions-policy']), /camera=\(\).*geolocation=\(\).*microphone=\(\)/)
      const csrfBefore = [...client.cookies].find(([name]) => name.startsWith('__Host-'))
      assert.ok(csrfBefore, `CSRF cookie is __Host-: ${[...client.cookies.keys()]}`)
      const oldToken = csrfTokenIn(form.body)!
      const signedIn = await client.post('/sign-in', { email: user.email, password: user.password, _csrf: oldToken })
      assert.equal(signedIn.statusCode, 303)
      const setCookies = [signedIn.headers['set-cookie']].flat().map(String)
      assert.ok(setCookies.some((c) => /^__Host-openly_session=/.test(c) && /Secure/.test(c) && /Path=\/(;|$)/.test(c) && !/Domain/i.test(c)), setCookies.join('\n'))
      assert.ok(setCookies.some((c) => /^__Host-openly_csrf=/.test(c)), 'a new CSRF secret is set at sign-in')
      assert.ok(setCookies.some((c) => /^__Secure-openly_device=/.test(c)))
      assert.notEqual(client.cookies.get(csrfBefore[0]), csrfBefore[1])
      // The session works under its prefixed name, and a token from before sign-in no longer does.
      const page = await client.get('/account/profile')
      assert.equal(page.statusCode, 200)
      const stale = await client.post('/sign-out', { _csrf: oldToken })
      assert.equal(stale.statusCode, 403)
      const fresh = await client.post('/sign-out', { _csrf: csrfTokenIn(page.body)! })
      assert.equal(fresh.statusCode, 303)

      const plain = await start()
      const dev = new TestClient(plain.app)
      await dev.get('/sign-in')
      assert.deepEqual([...dev.cookies.keys()].filter((n) => n.startsWith('__')), [])
    })
  })
}
