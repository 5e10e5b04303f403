/**
 * Bytes kept for minutes (a stored page, its pieces, its compressed bodies) get an allocation of their own. Node puts
 * every Buffer under half its pool size (`Buffer.poolSize`, 64 kB in Node 24: so under 32 kB) in a shared slab —
 * `Buffer.from` of a string, `Buffer.concat`, zlib's output — and a slice that is kept keeps the whole slab alive,
 * whatever else was in it. Measured (decision 0047): a page cache counting 64 MB of pages held 254 MB of ArrayBuffers.
 * Bytes that live for one response stay in the pool, where allocating is cheapest.
 */
export function ownedBytes(bytes: Buffer): Buffer {
  if (bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.length) return bytes
  const own = Buffer.allocUnsafeSlow(bytes.length)
  bytes.copy(own)
  return own
}

/** A string's UTF-8 bytes in an allocation of their own (see ownedBytes). */
export function ownedUtf8(text: string): Buffer {
  const own = Buffer.allocUnsafeSlow(Buffer.byteLength(text))
  own.write(text)
  return own
}
