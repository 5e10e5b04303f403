import { promisify } from 'node:util'
import { brotliCompress, constants, gzip } from 'node:zlib'
import { ownedBytes } from './owned-bytes.ts'

const brotli = promisify(brotliCompress)
const gz = promisify(gzip)

export type Encoding = 'br' | 'gzip'

/**
 * The body of a cached page, compressed once when it is stored, so a hit costs no compression at all.
 * Brotli at quality 9 and gzip at level 9; a reader whose client takes neither gets the identity bytes.
 * Measured on demo pages of 10–28 kB: brotli 9 takes about 7.5 ms and is 6–7% smaller than quality 4; quality 11
 * is 13–15% smaller again but takes 9–28 ms, on libuv's threadpool, which password hashing also uses.
 *
 * The window is fitted to the body (decision 0029): brotli's default 4 MB window made each compression take a 32 MB
 * hash table at quality 9 (four at once on the threadpool: up to 200 MB of RSS while a burst of new pages was stored),
 * and clearing it doubled the time. A window as large as the body loses nothing (no reference reaches further back
 * than the body's start) and, for pages up to 64 kB, lets brotli use its small-window hasher. A larger body (a 1 MB
 * sitemap part) needs a large window, whose hasher at quality 9 is that 32 MB table again: it is compressed at
 * quality 5 (a 1 MB hasher; 2.4% larger and 5 times faster than quality 9 for a sitemap part).
 */
export async function compressOnce(body: Buffer): Promise<Record<Encoding, Buffer>> {
  const [br, gzipped] = await Promise.all([
    brotli(body, { params: { [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT, [constants.BROTLI_PARAM_QUALITY]: windowFor(body.length) <= SMALL_WINDOW ? 9 : 5, [constants.BROTLI_PARAM_SIZE_HINT]: body.length, [constants.BROTLI_PARAM_LGWIN]: windowFor(body.length) } }),
    gz(body, { level: 9 }),
  ])
  // Kept as long as the page: zlib's output under 32 kB is a slice of a shared slab (owned-bytes.ts).
  return { br: ownedBytes(br), gzip: ownedBytes(gzipped) }
}

/** Up to this window (64 kB), brotli's hasher at quality 9 is small. */
const SMALL_WINDOW = 16

/** The smallest brotli window (log2 of its size, 10–24) that holds the whole body. */
export const windowFor = (bytes: number): number => Math.min(constants.BROTLI_MAX_WINDOW_BITS, Math.max(constants.BROTLI_MIN_WINDOW_BITS, Math.ceil(Math.log2(Math.max(bytes, 1)))))

/**
 * The encoding to answer with, from Accept-Encoding (RFC 9110 §12.5.3): brotli when accepted at least as
 * much as gzip, else gzip, else none. `q=0` refuses; `*` stands for any encoding not named.
 */
export function preferredEncoding(header: string | string[] | undefined): Encoding | null {
  if (!header) return null
  const q = new Map<string, number>()
  for (const part of [header].flat().join(',').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';')
    if (!name) continue
    const weight = params.map((p) => p.trim()).find((p) => p.startsWith('q='))
    const value = weight ? Number(weight.slice(2)) : 1
    q.set(name.trim(), Number.isFinite(value) ? value : 0)
  }
  const of = (e: string) => q.get(e) ?? q.get('*') ?? 0
  if (of('br') > 0 && of('br') >= of('gzip')) return 'br'
  if (of('gzip') > 0) return 'gzip'
  return null
}
