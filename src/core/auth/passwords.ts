import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto'
import { AppError } from '../errors.ts'

function scrypt(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCb(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))))
}

/**
 * OWASP's equal-strength scrypt settings (Password Storage Cheat Sheet): for N = 2^cost, the
 * parallelism p that keeps the work the same. The default cost 15 (N=2^15, r=8, p=3) needs 32 MiB
 * per hash instead of 2^17's 128 MiB, so a few sign-ins at once do not balloon the server's memory.
 */
const PARALLELISM: Record<number, number> = { 17: 1, 16: 2, 15: 3, 14: 5, 13: 10 }
export const parallelismFor = (cost: number) => PARALLELISM[cost] ?? 1

/**
 * At most two hashes run at once (each takes one of libuv's four threads, so file reads keep the
 * other two), and at most QUEUE_LIMIT wait; beyond that the request is answered 503 at once rather
 * than piling up memory and delaying everyone (a cheap denial of service otherwise).
 */
const RUNNING_LIMIT = 2
const QUEUE_LIMIT = 32
let running = 0
const waiting: Array<() => void> = []

async function gated<T>(work: () => Promise<T>): Promise<T> {
  if (running >= RUNNING_LIMIT) {
    if (waiting.length >= QUEUE_LIMIT) throw new AppError('busy', 503, 'Too many people are signing in right now. Wait a moment and try again.')
    await new Promise<void>((resolve) => waiting.push(resolve))
  }
  running++
  try {
    return await work()
  } finally {
    running--
    waiting.shift()?.()
  }
}

/**
 * Hashes a password with scrypt, a memory-hard function built into Node. The parameters are stored
 * in the hash, so the cost can be changed later without breaking old hashes (see needsRehash).
 */
export async function hashPassword(password: string, cost = 15): Promise<string> {
  const salt = randomBytes(16)
  const N = 2 ** cost
  const p = parallelismFor(cost)
  const key = await gated(() => scrypt(password, salt, 32, { N, r: 8, p, maxmem: 256 * N * 8 }))
  return `scrypt$${cost}$8$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`
}

/** Checks a password against a stored hash in constant time. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [alg, cost, r, p, salt, key] = stored.split('$')
  if (alg !== 'scrypt' || !cost || !r || !p || !salt || !key) return false
  const N = 2 ** Number(cost)
  const expected = Buffer.from(key, 'base64url')
  const actual = await gated(() => scrypt(password, Buffer.from(salt, 'base64url'), expected.length, { N, r: Number(r), p: Number(p), maxmem: 256 * N * Number(r) }))
  return timingSafeEqual(actual, expected)
}

/** True when a stored hash was made with other settings than today's: rehash it at the next sign-in. */
export function needsRehash(stored: string, cost: number): boolean {
  return stored.split('$').slice(0, 4).join('$') !== `scrypt$${cost}$8$${parallelismFor(cost)}`
}

/** A hash that matches nothing, verified against when an e-mail is unknown so timing does not reveal accounts. */
const dummies = new Map<number, Promise<string>>()
export function dummyHash(cost = 15): Promise<string> {
  let dummy = dummies.get(cost)
  if (!dummy) dummies.set(cost, (dummy = hashPassword(randomBytes(12).toString('hex'), cost)))
  return dummy
}
