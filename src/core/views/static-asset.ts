import { createHash } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import { preferredEncoding, type Encoding } from '../cache/compressed.ts'
import { ownedBytes } from '../cache/owned-bytes.ts'

const compressedOnce = new Map<string, Record<Encoding, Buffer>>()

/**
 * A handler for a fixed asset (the stylesheet, scripts): compressed once, when the app starts, instead of per
 * request. Compressing per request cost about 6-8 ms of CPU for the stylesheet, on libuv's thread pool that
 * password hashing shares; now an asset is bytes in memory, whatever else the server is doing (bench/hashing.bench.ts).
 */
export function staticAsset(body: string | Buffer, type: string, cacheControl: string) {
  const identity = ownedBytes(Buffer.from(body))
  const key = createHash('sha256').update(identity).digest('base64url')
  let compressed = compressedOnce.get(key)
  if (!compressed) {
    const br = brotliCompressSync(identity, { params: { [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT, [constants.BROTLI_PARAM_QUALITY]: 10, [constants.BROTLI_PARAM_SIZE_HINT]: identity.length } })
    compressed = { br: ownedBytes(br), gzip: ownedBytes(gzipSync(identity, { level: 9 })) }
    compressedOnce.set(key, compressed)
  }
  const bodies = compressed
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const encoding = preferredEncoding(request.headers['accept-encoding'])
    reply.type(type).header('cache-control', cacheControl).header('vary', 'accept-encoding')
    return encoding ? reply.header('content-encoding', encoding).send(bodies[encoding]) : reply.send(identity)
  }
}
