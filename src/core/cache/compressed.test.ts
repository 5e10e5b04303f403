import { test } from 'node:test'
import assert from 'node:assert/strict'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { compressOnce, windowFor } from './compressed.ts'

/** Stored pages are compressed with a window fitted to them (decision 0029): smaller memory, the same bytes back. */
test('the brotli window holds the whole body, within brotli’s bounds', () => {
  assert.equal(windowFor(0), 10)
  assert.equal(windowFor(900), 10)
  assert.equal(windowFor(20_000), 15)
  assert.equal(windowFor(65_536), 16)
  assert.equal(windowFor(65_537), 17)
  assert.equal(windowFor(1_068_892), 21)
  assert.equal(windowFor(100 * 1024 * 1024), 24)
})

test('a small page and a large one come back byte for byte, and smaller', async () => {
  const page = (n: number) => Buffer.from(`<!doctype html><main>${Array.from({ length: n }, (_, i) => `<p class="govuk-body">Weeknotes ${i}: flooding and allotments</p>`).join('')}</main>`)
  for (const body of [page(200), page(30_000)]) {
    const { br, gzip } = await compressOnce(body)
    assert.deepEqual(brotliDecompressSync(br), body)
    assert.deepEqual(gunzipSync(gzip), body)
    assert.ok(br.length < body.length / 10, `${body.length} bytes compressed to ${br.length}`)
  }
})
