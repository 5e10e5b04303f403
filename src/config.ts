import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs'
import { isIP } from 'node:net'
import { resolve, join } from 'node:path'

/** The page cache's default bound in MB (PAGE_CACHE_MB). */
export const PAGE_CACHE_MB = 64

/** Everything Openly reads from the environment, validated once at start. Nothing else reads process.env. */
export interface Config {
  port: number
  host: string
  /** Absolute base URL without trailing slash, used in feeds, e-mails and canonical links. */
  baseUrl: string
  dataDir: string
  /** PostgreSQL connection string; undefined means SQLite in dataDir. */
  databaseUrl: string | undefined
  /** SQLite file path (or ':memory:'), used when databaseUrl is undefined. */
  sqlitePath: string
  smtpUrl: string | undefined
  mailFrom: string
  sessionSecret: string
  logLevel: string
  demoContent: boolean
  uploadMaxBytes: number
  /**
   * Which proxies in front of Openly may say who the client is (X-Forwarded-For/-Proto/-Host): none (false), a number
   * of hops, or their addresses and CIDR ranges. Passed to Fastify's `trustProxy`; decides `request.ip`, which the
   * sign-in and rate limits count by.
   */
  trustProxy: false | number | string[]
  /** Days an invitation sent by e-mail stays valid (INVITATION_DAYS). */
  invitationDays: number
  /** Cookies get the Secure flag when the site is served over https. */
  secureCookies: boolean
  /** Cost of the scrypt password hash as log2(N), with OWASP's matching parallelism (15: N=2^15, r=8, p=3, 32 MiB). */
  passwordCost: number
  /** Write outgoing e-mails to the log too (on by default when no SMTP server is configured). */
  logMail: boolean
  /**
   * Trust levels (core/access/trust.ts): content with links by an account younger than `newAccountDays`
   * days waits for a moderator's approval, until `approvals` of its held items have been approved.
   */
  trust: { newAccountDays: number; approvals: number }
  /** A directory entry with no edit or confirmation for this many days is marked "may be out of date". */
  directoryStaleDays: number
  /** Website link checks may reach private and loopback addresses (LINK_CHECK_ALLOW_PRIVATE; for tests only). */
  linkCheckAllowPrivate: boolean
  /**
   * Background jobs (core/jobs): whether this process works them (JOBS_RUN; a web-only process says false),
   * and how often an idle worker looks for new ones (JOBS_POLL_MS; at least 500 on PostgreSQL).
   */
  jobs: { run: boolean; pollMs: number }
  /** The page cache's bound (PAGE_CACHE_MB): bytes of the pages it keeps, compressed bodies included (core/cache). */
  pageCacheBytes: number
  /**
   * Feeds in (modules/syndication): whether registered feeds may live at private, loopback or link-local
   * addresses. Off by default (a feed URL must not reach the server's own network); tests turn it on to
   * reach their local feed server.
   */
  syndicationAllowPrivate: boolean
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']

function bool(name: string, value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback
  if (/^(1|true|yes|on)$/i.test(value)) return true
  if (/^(0|false|no|off)$/i.test(value)) return false
  throw new Error(`${name} must be true or false, got "${value}"`)
}

function int(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined || value === '') return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be a whole number from ${min} to ${max}, got "${value}"`)
  return n
}

/** proxy-addr's names for ranges (Fastify's trustProxy understands them). */
const RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal']

function isAddressOrRange(value: string): boolean {
  if (RANGE_NAMES.includes(value)) return true
  const [address, bits, extra] = value.split('/')
  const version = isIP(address ?? '')
  if (!version || extra !== undefined) return false
  if (bits === undefined) return true
  const n = Number(bits)
  return /^\d+$/.test(bits) && n >= 0 && n <= (version === 4 ? 32 : 128)
}

/**
 * TRUST_PROXY: off unless set. `true` (trust anyone) is refused: any client could then choose its address and
 * escape the per-address limits.
 */
function trustProxy(value: string | undefined): Config['trustProxy'] {
  if (value === undefined || /^(|0|off|false|no|none)$/i.test(value.trim())) return false
  if (/^\d+$/.test(value.trim())) return int('TRUST_PROXY', value.trim(), 0, 1, 10)
  const entries = value.split(',').map((s) => s.trim()).filter(Boolean)
  const bad = entries.find((e) => !isAddressOrRange(e))
  if (bad !== undefined || !entries.length) throw new Error(`TRUST_PROXY must be off, a number of proxies (1 to 10), or addresses and CIDR ranges separated by commas (or loopback, linklocal, uniquelocal), got "${bad ?? value}"`)
  return entries
}

/** Reads and validates the configuration; throws with a clear message on a bad value. */
export function loadConfig(env: Record<string, string | undefined> = process.env, overrides: Partial<Config> = {}): Config {
  const port = int('PORT', env.PORT, 3000, 0, 65535)
  const host = env.HOST || '0.0.0.0'
  const baseUrl = (env.BASE_URL || `http://localhost:${port}`).replace(/\/+$/, '')
  try { new URL(baseUrl) } catch { throw new Error(`BASE_URL must be an absolute URL, got "${baseUrl}"`) }
  const dataDir = resolve(env.DATA_DIR || 'data')
  const databaseUrl = env.DATABASE_URL || undefined
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) throw new Error('DATABASE_URL must start with postgres:// or postgresql://')
  const logLevel = env.LOG_LEVEL || 'info'
  if (!LOG_LEVELS.includes(logLevel)) throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`)
  const smtpUrl = env.SMTP_URL || undefined
  const config: Config = {
    port,
    host,
    baseUrl,
    dataDir,
    databaseUrl,
    sqlitePath: join(dataDir, 'openly.sqlite'),
    smtpUrl,
    mailFrom: env.MAIL_FROM || 'Openly <no-reply@openly.localhost>',
    sessionSecret: env.SESSION_SECRET || '',
    logLevel,
    demoContent: bool('DEMO_CONTENT', env.DEMO_CONTENT, true),
    uploadMaxBytes: int('UPLOAD_MAX_BYTES', env.UPLOAD_MAX_BYTES, 10 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
    trustProxy: trustProxy(env.TRUST_PROXY),
    invitationDays: int('INVITATION_DAYS', env.INVITATION_DAYS, 14, 1, 365),
    secureCookies: baseUrl.startsWith('https:'),
    passwordCost: int('PASSWORD_COST', env.PASSWORD_COST, 15, 10, 20),
    logMail: bool('LOG_MAIL', env.LOG_MAIL, !smtpUrl),
    trust: {
      newAccountDays: int('TRUST_NEW_ACCOUNT_DAYS', env.TRUST_NEW_ACCOUNT_DAYS, 3, 0, 365),
      approvals: int('TRUST_APPROVALS', env.TRUST_APPROVALS, 2, 1, 100),
    },
    syndicationAllowPrivate: bool('SYNDICATION_ALLOW_PRIVATE', env.SYNDICATION_ALLOW_PRIVATE, false),
    directoryStaleDays: int('DIRECTORY_STALE_DAYS', env.DIRECTORY_STALE_DAYS, 365, 1, 3650),
    linkCheckAllowPrivate: bool('LINK_CHECK_ALLOW_PRIVATE', env.LINK_CHECK_ALLOW_PRIVATE, false),
    jobs: {
      run: bool('JOBS_RUN', env.JOBS_RUN, true),
      pollMs: int('JOBS_POLL_MS', env.JOBS_POLL_MS, 2000, 50, 60_000),
    },
    pageCacheBytes: int('PAGE_CACHE_MB', env.PAGE_CACHE_MB, PAGE_CACHE_MB, 1, 4096) * 1024 * 1024,
    ...overrides,
  }
  return config
}

/** The session secret: from the environment, else generated once and kept in the data folder. */
export function ensureSessionSecret(config: Config): Config {
  if (config.sessionSecret) return config
  mkdirSync(config.dataDir, { recursive: true })
  const file = join(config.dataDir, 'session-secret')
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600 })
  return { ...config, sessionSecret: readFileSync(file, 'utf8').trim() }
}
