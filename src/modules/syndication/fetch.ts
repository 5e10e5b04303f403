import { lookup as dnsLookup, type LookupAddress } from 'node:dns'
import http from 'node:http'
import https from 'node:https'
import { isIP, type Socket } from 'node:net'
import ipaddr from 'ipaddr.js'

/**
 * Fetching a registered feed, politely and safely: a conditional GET (If-None-Match, If-Modified-Since), a
 * timeout, a size limit, at most five redirects, and no request to a private, loopback or link-local address
 * unless allowed (SSRF). The address is checked where the connection is made — the address DNS gave the
 * socket, and the socket's own remote address once connected — not only the first DNS answer, so a name
 * that answers differently the second time gets nowhere.
 */

export interface FetchOptions {
  etag?: string | null
  lastModified?: string | null
  allowPrivate: boolean
  timeoutMs?: number
  maxBytes?: number
}

export interface FetchResult {
  status: number
  /** The body (for 200). */
  body: string
  etag: string | null
  lastModified: string | null
  cacheControl: string | null
  retryAfter: string | null
  /** The URL answered after redirects. */
  url: string
}

export class FeedFetchError extends Error {
  /** Refused before any request (a private address): not worth retrying. */
  refused: boolean
  constructor(message: string, refused = false) {
    super(message)
    this.refused = refused
  }
}

/** Is this address somewhere a feed may not live (unless allowed)? Only plain unicast addresses are public. */
export function isPrivateAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return true
  let ip = ipaddr.parse(address)
  if (ip.kind() === 'ipv6' && (ip as ipaddr.IPv6).isIPv4MappedAddress()) ip = (ip as ipaddr.IPv6).toIPv4Address()
  return ip.range() !== 'unicast'
}

const refusal = (host: string) => new FeedFetchError(`${host} is on a private network: Openly does not fetch feeds from there`, true)

/** A DNS lookup that answers only with allowed addresses (what the socket then connects to). */
function guardedLookup(allowPrivate: boolean) {
  return (hostname: string, options: object, callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, '', 0)
      const allowed = allowPrivate ? addresses : addresses.filter((a) => !isPrivateAddress(a.address))
      if (allowed.length === 0) return callback(refusal(hostname) as NodeJS.ErrnoException, '', 0)
      if ((options as { all?: boolean }).all) return callback(null, allowed)
      callback(null, allowed[0]!.address, allowed[0]!.family)
    })
  }
}

function once(url: URL, options: FetchOptions): Promise<FetchResult & { location: string | null }> {
  const timeoutMs = options.timeoutMs ?? 15_000
  const maxBytes = options.maxBytes ?? 5 * 1024 * 1024
  if (!options.allowPrivate && isIP(url.hostname.replace(/^\[|\]$/g, '')) && isPrivateAddress(url.hostname.replace(/^\[|\]$/g, ''))) return Promise.reject(refusal(url.hostname))
  const headers: Record<string, string> = { 'user-agent': 'Openly feed reader (+https://github.com/openly)', accept: 'application/feed+json, application/atom+xml, application/rss+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.1', 'accept-encoding': 'identity' }
  if (options.etag) headers['if-none-match'] = options.etag
  if (options.lastModified) headers['if-modified-since'] = options.lastModified
  const client = url.protocol === 'https:' ? https : http
  return new Promise((resolve, reject) => {
    const request = client.get(url, { headers, lookup: guardedLookup(options.allowPrivate) as never, timeout: timeoutMs, agent: false }, (response) => {
      const chunks: Buffer[] = []
      let size = 0
      response.on('data', (chunk: Buffer) => {
        size += chunk.length
        if (size > maxBytes) request.destroy(new FeedFetchError(`The feed is larger than ${Math.round(maxBytes / 1024 / 1024)} MB`))
        else chunks.push(chunk)
      })
      response.on('error', reject)
      response.on('end', () => {
        const h = response.headers
        resolve({
          status: response.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
          etag: typeof h.etag === 'string' ? h.etag : null,
          lastModified: typeof h['last-modified'] === 'string' ? h['last-modified'] : null,
          cacheControl: typeof h['cache-control'] === 'string' ? h['cache-control'] : null,
          retryAfter: typeof h['retry-after'] === 'string' ? h['retry-after'] : null,
          location: typeof h.location === 'string' ? h.location : null,
          url: url.toString(),
        })
      })
    })
    // Belt and braces: the address the socket actually reached, whatever resolved it.
    request.on('socket', (socket: Socket) => {
      socket.once('connect', () => {
        const remote = socket.remoteAddress ?? ''
        if (!options.allowPrivate && isPrivateAddress(remote)) request.destroy(refusal(url.hostname))
      })
    })
    request.on('timeout', () => request.destroy(new FeedFetchError(`No answer within ${timeoutMs / 1000} seconds`)))
    request.on('error', (err) => reject(err instanceof FeedFetchError ? err : new FeedFetchError(err.message)))
  })
}

/** GETs a feed, following up to five redirects (each checked the same way). */
export async function fetchFeed(address: string, options: FetchOptions): Promise<FetchResult> {
  let url = new URL(address)
  for (let hop = 0; hop <= 5; hop++) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new FeedFetchError('Feeds are fetched over http or https only', true)
    const result = await once(url, options)
    if (![301, 302, 303, 307, 308].includes(result.status) || !result.location) return result
    url = new URL(result.location, url)
  }
  throw new FeedFetchError('Too many redirects')
}
