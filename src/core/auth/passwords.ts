import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto'

function scrypt(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCb(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key))))
}

/**
 * Hashes a password with scrypt, a memory-hard function built into Node (OWASP: N=2^17, r=8, p=1).
 * The parameters are stored in the hash, so the cost can be raised later without breaking old hashes.
 */
export async function hashPassword(password: string, cost = 17): Promise<string> {
  const salt = randomBytes(16)
  const N = 2 ** cost
  const key = await scrypt(password, salt, 32, { N, r: 8, p: 1, maxmem: 256 * N * 8 })
  return `scrypt$${cost}$8$1$${salt.toString('base64url')}$${key.toString('base64url')}`
}

/** Checks a password against a stored hash in constant time. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [alg, cost, r, p, salt, key] = stored.split('$')
  if (alg !== 'scrypt' || !cost || !r || !p || !salt || !key) return false
  const N = 2 ** Number(cost)
  const expected = Buffer.from(key, 'base64url')
  const actual = await scrypt(password, Buffer.from(salt, 'base64url'), expected.length, { N, r: Number(r), p: Number(p), maxmem: 256 * N * Number(r) })
  return timingSafeEqual(actual, expected)
}

/** A hash that matches nothing, verified against when an e-mail is unknown so timing does not reveal accounts. */
let dummy: Promise<string> | undefined
export function dummyHash(cost = 17): Promise<string> {
  dummy ??= hashPassword(randomBytes(12).toString('hex'), cost)
  return dummy
}
