/**
 * What the page cache keeps is held in allocations of its own (core/cache/owned-bytes.ts, decision 0047): a stored
 * body, compressed body or shared page's piece that were a slice of Node's shared 64 kB Buffer pool would keep the
 * whole slab alive, and the cache's byte bound (64 MB) held four times that (254 MB measured).
 */
import { test, describe, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { buildTestApp, type TestApp } from '../support/app.ts'
import { testDialects } from '../support/databases.ts'
import { TestClient } from '../support/client.ts'
import { createUser, signInAs } from '../support/factories.ts'
import { makePost } from '../../src/modules/posts/posts.test.support.ts'
import type { CachedPage } from '../../src/core/cache/page-cache.ts'

const buffersOf = (page: CachedPage): Buffer[] => [page.body, ...(page.compressed ? [page.compressed.br, page.compressed.gzip] : []), ...(page.shared?.pieces ?? [])]
const owns = (b: Buffer) => b.byteOffset === 0 && b.buffer.byteLength === b.length

for (const dialect of testDialects()) {
  describe(`the page cache's bytes on ${dialect}`, () => {
    let t: TestApp
    before(async () => {
      t = await buildTestApp(dialect)
      const author = await createUser(t.app.db, { name: 'Bea Bytes' })
      for (let i = 0; i < 6; i++) await makePost(t.app.db, author.id, { title: `Owned bytes weeknote ${i}`, body: `What we learned about kept buffers, part ${i}.\n\n`.repeat(6) })
      await t.app.pageCache.invalidate()
    })
    after(async () => t.close())

    test('every stored body, compressed body and shared piece is an allocation of its own, as large as it counts', async () => {
      assert.ok(Buffer.poolSize >= 8192, 'Node pools small Buffers (the case this guards against)')
      const anonymous = new TestClient(t.app)
      const readers = [new TestClient(t.app), new TestClient(t.app)]
      for (const [i, reader] of readers.entries()) await signInAs(t.app.db, reader, (await createUser(t.app.db, { name: `Reader ${i}` })).id)
      for (const path of ['/', '/posts', '/posts?page=1', '/posts?page=1', '/feed.atom']) {
        await anonymous.get(path, { 'accept-encoding': 'br' })
        for (const reader of readers) await reader.get(path)
      }
      // Compressed bodies are made just after a page is stored.
      for (let i = 0; i < 100 && [...t.app.pageCache.stored()].some((p) => !p.shared && p.body.length >= 1024 && !p.compressed); i++) await new Promise((r) => setTimeout(r, 10))
      const stored = [...t.app.pageCache.stored()]
      assert.ok(stored.some((p) => p.shared && p.shared.slots.length > 0), 'a page shared by signed-in readers, with pieces, is stored')
      assert.ok(stored.some((p) => !p.shared && p.compressed), 'an anonymous page with its compressed bodies is stored')
      const buffers = stored.flatMap(buffersOf).filter((b) => b.length > 0)
      const pinned = buffers.filter((b) => !owns(b))
      assert.deepEqual(pinned.map((b) => `${b.length} bytes in an ArrayBuffer of ${b.buffer.byteLength}`), [], 'no stored bytes are a slice of a larger allocation')
      const held = new Set(buffers.map((b) => b.buffer)).size
      assert.equal(held, buffers.length, 'no two stored Buffers share an allocation')
    })
  })
}
