import { lookup, type LookupAddress } from 'node:dns'
import { request as httpRequest, type IncomingMessage } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { BlockList, isIP } from 'node:net'

/** Addresses a link check never connects to: loopback, private, link-local, carrier-grade NAT and unspecified. */
const PRIVATE = new BlockList()
for (const [net, prefix] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.168.0.0', 16]] as const) PRIVATE.addSubnet(net, prefix, 'ipv4')
for (const [net, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['::ffff:0:0', 96]] as const) PRIVATE.addSubnet(net, prefix, 'ipv6')

export const isPrivateAddress = (address: string) => PRIVATE.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4')

export interface LinkCheckOptions {
  timeoutMs?: number
  /** Tests only: let the check reach a server on this machine. */
  allowPrivate?: boolean
}

export type LinkResult = { ok: true; status: number } | { ok: false; status?: number; reason: string }

const USER_AGENT = 'Openly link checker (checks that directory websites still answer; one request per site)'

/**
 * Resolves a host and refuses private addresses. Given to the HTTP client as its `lookup`, so the address
 * checked is the address connected to (a name cannot resolve to a public address for the check and a
 * private one for the request).
 */
function guardedLookup(allowPrivate: boolean) {
  return (hostname: string, options: object, callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) => {
    lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '')
      const list = addresses as LookupAddress[]
      if (!allowPrivate && list.some((a) => isPrivateAddress(a.address))) return callback(Object.assign(new Error(`${hostname} resolves to a private address`), { code: 'EPRIVATE' }), '')
      ;(options as { all?: boolean }).all ? callback(null, list) : callback(null, list[0]!.address, list[0]!.family)
    })
  }
}

function once(url: URL, method: 'HEAD' | 'GET', options: Required<LinkCheckOptions>): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, { method, headers: { 'user-agent': USER_AGENT, accept: '*/*' }, lookup: guardedLookup(options.allowPrivate) as never, timeout: options.timeoutMs }, (res) => {
      res.resume()
      resolve(res)
    })
    request.on('timeout', () => request.destroy(new Error('timed out')))
    request.on('error', reject)
    request.end()
  })
}

/**
 * Does this website answer? HEAD first, GET when a server refuses HEAD; up to three redirects, each checked
 * again; never a private or loopback address (also not when a public name points there, or redirects there).
 */
export async function checkLink(address: string, opts: LinkCheckOptions = {}): Promise<LinkResult> {
  const options = { timeoutMs: opts.timeoutMs ?? 10_000, allowPrivate: opts.allowPrivate ?? false }
  let url: URL
  try {
    url = new URL(address)
  } catch {
    return { ok: false, reason: 'not a web address' }
  }
  for (let hop = 0; hop <= 3; hop++) {
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, reason: 'not a web address' }
    const host = url.hostname.replace(/^\[|\]$/g, '')
    if (isIP(host) && !options.allowPrivate && isPrivateAddress(host)) return { ok: false, reason: 'a private address' }
    let res: IncomingMessage
    try {
      res = await once(url, 'HEAD', options)
      if ([403, 405, 501].includes(res.statusCode ?? 0)) res = await once(url, 'GET', options)
    } catch (err) {
      const e = err as NodeJS.ErrnoException
      return { ok: false, reason: e.code === 'EPRIVATE' ? 'a private address' : e.message || 'no answer' }
    }
    const status = res.statusCode ?? 0
    if (status >= 300 && status < 400 && res.headers.location) {
      url = new URL(res.headers.location, url)
      continue
    }
    return status >= 200 && status < 400 ? { ok: true, status } : { ok: false, status, reason: `answered ${status}` }
  }
  return { ok: false, reason: 'too many redirects' }
}
