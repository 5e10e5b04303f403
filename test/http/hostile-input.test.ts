/**
 * Hostile input that once gave a 500 (issue 12, items 3, 4, 6 and 7), each refused by a shared mechanism with a
 * 4xx: bodies bounded in size and depth for every content type, form routes taking only the types they expect,
 * multipart parsed only where files are taken and only after sign-in and CSRF, NUL refused in multipart fields
 * too, and any `next` after sign-in turned into a safe redirect.
 */
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildTestApp, type TestApp } from '../support/app.ts'
import { testDialects } from '../support/databases.ts'
import { createUser, signInAs, type TestUser } from '../support/factories.ts'
import { TestClient, csrfTokenIn } from '../support/client.ts'

const cookieOf = (client: TestClient) => client.cookieHeader()

/** A multipart body with these parts (a part with `file` is a file), under `boundary`. */
function multipartBody(boundary: string, parts: Array<{ name: string; value: string | Buffer; file?: string }>): Buffer {
  const chunks: Buffer[] = []
  for (const p of parts) {
    const disposition = `form-data; name="${p.name}"${p.file ? `; filename="${p.file}"` : ''}`
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${p.file ? 'Content-Type: image/png\r\n' : ''}\r\n`), Buffer.from(p.value), Buffer.from('\r\n'))
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`))
  return Buffer.concat(chunks)
}

const deepJson = (levels: number) => '['.repeat(levels) + ']'.repeat(levels)

for (const dialect of testDialects()) {
  describe(`hostile input on ${dialect}`, () => {
    let t: TestApp
    let writer: TestUser
    let client: TestClient
    let token: string
    const dataDir = mkdtempSync(join(tmpdir(), 'openly-hostile-'))

    before(async () => {
      t = await buildTestApp(dialect, { config: { dataDir } })
      writer = await createUser(t.app.db, { name: 'Wren Writer' })
      client = new TestClient(t.app)
      await signInAs(t.app.db, client, writer.id)
      token = csrfTokenIn((await client.get('/posts/new')).body)!
    })
    after(async () => {
      await t.close()
      rmSync(dataDir, { recursive: true, force: true })
    })

    const inject = (url: string, payload: string | Buffer, contentType: string, who: TestClient | null = client) =>
      t.app.inject({ method: 'POST', url, payload, headers: { 'content-type': contentType, ...(who ? { cookie: cookieOf(who) } : {}) } })

    test('item 1: a parameter given twice where one value is expected is a 400, on pages and the API', async () => {
      for (const url of ['/posts?tag=a&tag=b', '/posts?project=a&project=b', '/posts?organisation=a&organisation=b', '/posts?author=a&author=b', '/verify-email?token=a&token=b', '/reset-password?token=a&token=b', '/api/v1/posts?cursor=a&cursor=b', '/sign-in?next=/a&next=/b']) {
        const res = await t.app.inject(url)
        assert.equal(res.statusCode, 400, url)
      }
    })

    test('item 2: prototype keys in ?done= and elsewhere are just unknown words', async () => {
      for (const value of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
        const res = await client.get(`/account/profile?done=${value}`)
        assert.equal(res.statusCode, 200, value)
        assert.doesNotMatch(res.body, /function|\[object/)
        // Every module's flash messages, not only the account's: the fuzz test found `constructor` in /events/mine.
        for (const page of ['/events/mine', '/following', '/syndication', '/reading', '/actions', '/communities', '/challenges', '/barriers']) {
          const other = await client.get(`${page}?done=${value}`)
          assert.ok(other.statusCode < 500, `${page}?done=${value}: ${other.statusCode}`)
          assert.doesNotMatch(other.body, /function|\[object/, `${page}?done=${value}`)
        }
        assert.ok((await t.app.inject(`/check-your-email?about=${value}`)).statusCode < 500)
      }
    })

    test('item 5: crafted cursors and huge numbers are a 400, never NaN in a query', async () => {
      const crafted = [Buffer.from(JSON.stringify([1, null])).toString('base64url'), Buffer.from('[NaN,"x"]').toString('base64url'), Buffer.from(JSON.stringify(['x\u0000', 'y'])).toString('base64url'), '2147483648', 'AAAA']
      for (const cursor of crafted) {
        for (const url of [`/posts?cursor=${cursor}`, `/people?after=${cursor}`, `/api/v1/posts?cursor=${cursor}`]) assert.equal((await t.app.inject(url)).statusCode, 400, url)
      }
      assert.equal((await t.app.inject('/api/v1/posts?limit=2147483648')).statusCode, 400)
      assert.equal((await t.app.inject('/posts?limit=-1')).statusCode, 400)
    })

    test('item 3: a deeply nested JSON body is refused with 415 on a form route and on the API, never a RangeError', async () => {
      for (const url of ['/sign-in', '/posts/new', '/preview', '/sign-up']) {
        const res = await inject(url, deepJson(50_000), 'application/json')
        assert.equal(res.statusCode, 415, `${url}: ${res.body.slice(0, 200)}`)
      }
      const api = await inject('/api/v1/posts', deepJson(50_000), 'application/json', null)
      assert.ok(api.statusCode >= 400 && api.statusCode < 500, `API: ${api.statusCode}`)
      assert.match(String(api.headers['content-type']), /problem\+json/)
    })

    test('item 3: form routes take only the content types they expect; others get 415 with a clear message', async () => {
      for (const type of ['text/plain', 'application/xml', 'application/octet-stream', 'application/json; charset=utf-8', 'text/html']) {
        const res = await inject('/sign-in', 'email=a@b.c&password=x', type)
        assert.equal(res.statusCode, 415, type)
        assert.match(res.body, /Unsupported media type|cannot take/i)
      }
      // A multipart body on a form that takes no files is also refused, before it is read.
      const boundary = 'xyz'
      const res = await inject('/sign-in', multipartBody(boundary, [{ name: 'email', value: 'a@b.c' }]), `multipart/form-data; boundary=${boundary}`)
      assert.equal(res.statusCode, 415)
    })

    test('item 3: an oversized form body is 413, not a 500', async () => {
      const res = await inject('/sign-in', `email=${'a'.repeat(2 * 1024 * 1024)}`, 'application/x-www-form-urlencoded')
      assert.equal(res.statusCode, 413)
    })

    test('item 4: malformed multipart (no boundary, wrong boundary, long boundary) on a route taking files is 400', async () => {
      const good = multipartBody('right', [{ name: '_csrf', value: token }, { name: 'title', value: 'Hello' }])
      const cases: Array<[string, Buffer]> = [
        ['multipart/form-data', good],
        ['multipart/form-data; boundary=wrong', good],
        [`multipart/form-data; boundary=${'b'.repeat(5000)}`, good],
        ['multipart/form-data; boundary=right', Buffer.from('--right\r\nContent-Disposition: form-data; name="x"\r\n\r\nno end')],
      ]
      for (const [type, body] of cases) {
        const res = await inject('/posts/new', body, type)
        assert.equal(res.statusCode, 400, `${type.slice(0, 60)}: ${res.statusCode} ${res.body.slice(0, 200)}`)
      }
    })

    test('item 4: multipart from someone signed out, or without a valid CSRF token before the file, is refused before the file is read', async () => {
      const body = multipartBody('b1', [{ name: 'title', value: 'Hello' }, { name: 'image', value: Buffer.alloc(1000), file: 'x.png' }])
      const anon = await inject('/posts/new', body, 'multipart/form-data; boundary=b1', null)
      assert.equal(anon.statusCode, 303)
      assert.match(String(anon.headers.location), /^\/sign-in/)
      const noToken = await inject('/posts/new', body, 'multipart/form-data; boundary=b1')
      assert.equal(noToken.statusCode, 403)
      const wrongToken = await inject('/posts/new', multipartBody('b2', [{ name: '_csrf', value: 'forged' }, { name: 'image', value: Buffer.alloc(10), file: 'x.png' }]), 'multipart/form-data; boundary=b2')
      assert.equal(wrongToken.statusCode, 403)
      const images = await t.db.selectFrom('post_images').select('id').execute()
      assert.equal(images.length, 0)
    })

    test('item 6: a NUL byte in a multipart field is refused with 400 like in any other body, and nothing is saved', async () => {
      const res = await inject('/posts/new', multipartBody('n1', [{ name: '_csrf', value: token }, { name: 'title', value: 'Bad\u0000title' }, { name: 'body', value: 'Text' }, { name: 'action', value: 'save' }]), 'multipart/form-data; boundary=n1')
      assert.equal(res.statusCode, 400)
      assert.match(res.body, /not allowed/)
      const posts = await t.db.selectFrom('posts').select('id').execute()
      assert.equal(posts.length, 0)
    })

    test('item 7: odd `next` values after a successful sign-in are a safe redirect on this site, never a throw', async () => {
      const odd = ['/。evil.example', '/\u3002evil.example/x', '//evil.example', '/\\evil.example', '/%2F%2Fevil.example', 'https://evil.example/', '/ok?q=ü#frag', '/\u0000x', '/\r\nset-cookie: x=y', '/\u2028x', '/x'.repeat(300), '/%E0%A4%A']
      for (const next of odd) {
        const person = new TestClient(t.app)
        const form = await person.get(`/sign-in?next=${encodeURIComponent(next.slice(0, 500))}`)
        const res = await person.post('/sign-in', { email: writer.email, password: writer.password, next, _csrf: csrfTokenIn(form.body) ?? '' })
        assert.ok(res.statusCode === 303 || res.statusCode === 400, `${JSON.stringify(next)}: ${res.statusCode}`)
        if (res.statusCode !== 303) continue
        const location = String(res.headers.location)
        assert.match(location, /^\/(?![/\\])[\x21-\x7e]*$/, `${JSON.stringify(next)} → ${location}`)
        assert.equal(new URL(location, 'http://openly.test').origin, 'http://openly.test')
      }
    })
  })
}
