import { randomBytes } from 'node:crypto'
import type { Db } from '../../core/db/database.ts'
import { can } from '../../core/access/can.ts'
import type { Actor } from '../../core/access/policy.ts'
import { hashToken, destroyAllSessions } from '../../core/auth/sessions.ts'
import { dummyHash, hashPassword, needsRehash, verifyPassword } from '../../core/auth/passwords.ts'
import { waitSeconds, WINDOW_MS } from './accounts.throttle.ts'
import { indexDocument, removeDocument } from '../../core/search/search.ts'
import { audit } from '../../core/audit.ts'
import { forbidden, invalid, notFound } from '../../core/errors.ts'
import type { Cursor } from '../../core/http/pagination.ts'
import type { Mail } from '../../core/mail/mailer.ts'
import {
  accountIdByEmail,
  clearFailures,
  countRecentFailures,
  findAccountByEmail,
  findAccountById,
  handleOwner,
  insertAccount,
  insertEmailToken,
  listListedPeople,
  listSuspended,
  liveTokenOwner,
  markVerified,
  peopleByIds as peopleRowsByIds,
  mailRecipientRows,
  personByHandle,
  currentHandle,
  publicPeopleByHandles,
  recordFailure,
  retireTokens,
  setPasswordHash,
  setProfileHidden,
  setSuspended,
  splitStored,
  updateProfileRow,
  useEmailToken,
  type Person,
} from './accounts.queries.ts'

export type { Person }

// ---------------------------------------------------------------- people, for every module

/** Everyone who chose to be listed (and has a public presence), in name order, a batch at a time: the directory's open data. */
export async function* listedPeopleBatches(db: Db, batch = 1000): AsyncGenerator<Person[]> {
  let after: Cursor | null = null
  for (;;) {
    const rows = await listListedPeople(db, after, batch)
    const page = rows.slice(0, batch)
    if (page.length) yield page
    if (rows.length <= batch) return
    const last = page[page.length - 1]!
    after = { at: last.name, id: last.id }
  }
}

/** The person with this handle if the actor may see their profile, else null (callers answer 404). */
export async function findVisiblePerson(db: Db, actor: Actor, handle: string): Promise<Person | null> {
  const person = await personByHandle(db, handle)
  return person && (await can(db, actor, 'view', 'person', person)) ? person : null
}

/** The current handle of a person who used to have `oldHandle`, if the actor may see them (for 301s of their pages and feeds). */
export async function movedHandle(db: Db, actor: Actor, oldHandle: string): Promise<string | null> {
  if (await personByHandle(db, oldHandle)) return null
  const current = await currentHandle(db, oldHandle)
  return current && (await findVisiblePerson(db, actor, current)) ? current : null
}

/** People by id, whatever their state, to label what other modules show (link only those with `public`). */
export async function peopleByIds(db: Db, ids: readonly string[]): Promise<Map<string, Person>> {
  return peopleRowsByIds(db, ids)
}

/** People with a public presence by handle (keyed by lowercase handle): whom one can mention, credit, add to a team or invite. */
export async function peopleByHandles(db: Db, handles: readonly string[]): Promise<Map<string, Person>> {
  return publicPeopleByHandles(db, handles)
}

/** The id of the account with this address, or null: to attach an invitation. Never reveal the answer to the inviter. */
export async function accountIdForEmail(db: Db, email: string): Promise<string | null> {
  return accountIdByEmail(db, email)
}

const HOUR = 3600_000
export const VERIFY_TTL_MS = 24 * HOUR
export const RESET_TTL_MS = HOUR

/** Creates a one-time token for an e-mail link; only its hash is stored. */
export async function issueToken(db: Db, userId: string, purpose: 'verify' | 'reset', ttlMs: number): Promise<string> {
  const token = randomBytes(32).toString('base64url')
  await insertEmailToken(db, { id: hashToken(token), userId, purpose, expiresAt: new Date(Date.now() + ttlMs).toISOString() })
  return token
}

/** A token from a query string or form, or null when it cannot be one of ours. */
export function tokenParam(value: unknown): string | null {
  return typeof value === 'string' && /^[A-Za-z0-9_-]{20,100}$/.test(value) ? value : null
}

function verifyMail(baseUrl: string, to: string, name: string, token: string): Mail {
  return {
    to,
    subject: 'Confirm your email address for Openly',
    text: `Hello ${name},\n\nConfirm your email address to finish creating your Openly account:\n\n${baseUrl}/verify-email?token=${token}\n\nThe link works once and expires in 24 hours. If you did not create an account on Openly, you can ignore this email.\n`,
  }
}

/** Keeps a person's profile findable in site search once they have confirmed their address. */
export async function indexPerson(db: Db, userId: string): Promise<void> {
  const p = await findAccountById(db, userId)
  if (!p) return
  // Only public profiles are findable; only listed people are listed in search.
  if (!p.email_verified_at || p.suspended_at || p.hidden_at || Number(p.listed) !== 1) return removeDocument(db, 'person', userId)
  await indexDocument(db, {
    type: 'person',
    id: p.id,
    title: p.name,
    body: [p.role, p.bio, splitStored(p.skills).join(', '), splitStored(p.interests).join(', ')].filter(Boolean).join('\n\n'),
    url: `/people/${p.handle}`,
    spaceId: null,
    visibleFrom: p.email_verified_at,
  })
}

export interface SignUpInput {
  name: string
  email: string
  handle: string
  /** Hashed before the transaction (scrypt is slow), and on both branches so timing is alike. */
  passwordHash: string
  /** Chose to be listed in the people directory. */
  listed: boolean
}

/**
 * Creates an unverified account and the mail that confirms it. If the address already has an
 * account, nothing is created and the mail instead tells the owner, so the page a stranger sees
 * is the same either way (no account enumeration). A taken handle is a field error (handles are public).
 */
export async function signUp(db: Db, baseUrl: string, input: SignUpInput): Promise<{ created: string | null; mail: Mail }> {
  // The handle first: a taken handle is the same field error whether or not the address has an account.
  if (await handleOwner(db, input.handle)) throw invalid({ handle: 'That handle is already taken – choose another' })
  const existing = await findAccountByEmail(db, input.email)
  if (existing) {
    let extra = ''
    if (!existing.email_verified_at) {
      const token = await issueToken(db, existing.id, 'verify', VERIFY_TTL_MS)
      extra = `\nYou have not confirmed this address yet. To confirm it, use this link (it works once and expires in 24 hours):\n\n${baseUrl}/verify-email?token=${token}\n`
    }
    return {
      created: null,
      mail: {
        to: existing.email,
        subject: 'Someone tried to create an Openly account with your email address',
        text: `Hello ${existing.name},\n\nSomeone, perhaps you, tried to create an Openly account with this email address. It already has an account, so nothing was changed.\n\nIf it was you, sign in at ${baseUrl}/sign-in\nIf you have forgotten your password, reset it at ${baseUrl}/forgot-password\n${extra}\nIf it was not you, you can ignore this email.\n`,
      },
    }
  }
  const id = await insertAccount(db, { email: input.email, name: input.name, handle: input.handle, passwordHash: input.passwordHash, listed: input.listed })
  const token = await issueToken(db, id, 'verify', VERIFY_TTL_MS)
  return { created: id, mail: verifyMail(baseUrl, input.email, input.name, token) }
}

/** Uses a verification token: confirms the address and returns the person's id, or null if the link is not valid. */
export async function verifyEmail(db: Db, token: string): Promise<string | null> {
  const id = hashToken(token)
  const userId = await liveTokenOwner(db, id, 'verify')
  if (!userId || !(await useEmailToken(db, id))) return null
  await markVerified(db, userId)
  await indexPerson(db, userId)
  return userId
}

/** A fresh verification mail if the address has an unverified account; null otherwise (the page says the same). */
export async function resendVerification(db: Db, baseUrl: string, email: string): Promise<Mail | null> {
  const account = await findAccountByEmail(db, email)
  if (!account || account.email_verified_at) return null
  const token = await issueToken(db, account.id, 'verify', VERIFY_TTL_MS)
  return verifyMail(baseUrl, account.email, account.name, token)
}

export type SignInOutcome = { kind: 'ok'; userId: string } | { kind: 'unverified'; userId: string } | { kind: 'suspended' } | { kind: 'invalid' } | { kind: 'wait'; seconds: number }

/** Where a sign-in attempt comes from: the network address, and whether the browser signed in to this account before. */
export interface SignInSource {
  ip: string
  knownDevice: boolean
}

/**
 * Checks an e-mail address and password. Unknown address and wrong password are the same
 * outcome, and an unknown address is still checked against a dummy hash so they take as long.
 * Repeated failures make the attempt wait (accounts.throttle.ts), counted alike for every address.
 * A correct password made with older hash settings is rehashed with today's.
 */
export async function authenticate(db: Db, passwordCost: number, email: string, password: string, source: SignInSource): Promise<SignInOutcome> {
  const windowStart = new Date(Date.now() - WINDOW_MS).toISOString()
  const seconds = waitSeconds(await countRecentFailures(db, email, source.ip, windowStart), source.knownDevice)
  if (seconds > 0) return { kind: 'wait', seconds }
  const account = await findAccountByEmail(db, email)
  const ok = await verifyPassword(password, account?.password_hash ?? (await dummyHash(passwordCost)))
  if (!account || !ok) {
    await recordFailure(db, email, source.ip, windowStart)
    return { kind: 'invalid' }
  }
  await clearFailures(db, email, source.ip)
  if (needsRehash(account.password_hash, passwordCost)) await setPasswordHash(db, account.id, await hashPassword(password, passwordCost))
  if (account.suspended_at) return { kind: 'suspended' }
  if (!account.email_verified_at) return { kind: 'unverified', userId: account.id }
  return { kind: 'ok', userId: account.id }
}

/** The reset mail for an address with an account, or null (the page says the same either way). */
export async function requestPasswordReset(db: Db, baseUrl: string, email: string): Promise<Mail | null> {
  const account = await findAccountByEmail(db, email)
  if (!account) return null
  // Only the newest link works.
  await retireTokens(db, account.id, 'reset')
  const token = await issueToken(db, account.id, 'reset', RESET_TTL_MS)
  return {
    to: account.email,
    subject: 'Reset your Openly password',
    text: `Hello ${account.name},\n\nSomeone, hopefully you, asked to reset the password of your Openly account. To choose a new password, use this link:\n\n${baseUrl}/reset-password?token=${token}\n\nThe link works once and expires in 1 hour. If you did not ask for this, you can ignore this email: your password has not changed.\n`,
  }
}

/** True while a reset link can still be used (to show the form or an "expired" page). */
export async function resetTokenIsLive(db: Db, token: string): Promise<boolean> {
  return (await liveTokenOwner(db, hashToken(token), 'reset')) !== null
}

/**
 * Uses a reset token: sets the new password, confirms the address (the link proved it), and ends
 * every existing session. Returns the person's id, or null if the link is not valid.
 */
export async function resetPassword(db: Db, token: string, passwordHash: string): Promise<string | null> {
  const id = hashToken(token)
  const userId = await liveTokenOwner(db, id, 'reset')
  if (!userId || !(await useEmailToken(db, id))) return null
  await setPasswordHash(db, userId, passwordHash)
  await markVerified(db, userId)
  await destroyAllSessions(db, userId)
  await indexPerson(db, userId)
  return userId
}

export interface ProfileInput {
  name: string
  handle: string
  role: string
  bio: string
  skills: string[]
  interests: string[]
  listed: boolean
  /** An IANA zone, or '' to keep the current one. */
  timeZone: string
}

/** Saves a person's profile; a handle someone else has is a field error. */
export async function updateProfile(db: Db, userId: string, input: ProfileInput): Promise<void> {
  const owner = await handleOwner(db, input.handle)
  if (owner && owner !== userId) throw invalid({ handle: 'That handle is already taken – choose another' })
  await updateProfileRow(db, userId, input)
  await indexPerson(db, userId)
}

/** Moderation: hides or restores a person's profile (and takes it out of search while hidden). */
export async function setPersonHidden(db: Db, userId: string, hidden: boolean): Promise<void> {
  await setProfileHidden(db, userId, hidden)
  await indexPerson(db, userId)
}

/**
 * Suspends (or reinstates) an account, for a reason: it is signed out everywhere (its sessions are
 * deleted), cannot sign in, and its profile is no longer public (404 to everyone but platform admins).
 * What it wrote is kept for moderators to review. Platform admins only, never their own account; written
 * to the audit log with the reason. Returns the e-mail that tells the person, or null when nothing changed
 * (already in that state: a second click does nothing).
 */
export async function suspendAccount(db: Db, baseUrl: string, actor: Actor, person: Person, suspended: boolean, reason: string): Promise<Mail | null> {
  if (!(await can(db, actor, 'suspend', 'person', person))) throw forbidden('Only platform admins can suspend accounts')
  if (person.suspended === suspended) return null
  await setSuspended(db, person.id, suspended)
  if (suspended) await destroyAllSessions(db, person.id)
  await indexPerson(db, person.id)
  await audit(db, {
    actorId: actor.userId,
    action: suspended ? 'account.suspend' : 'account.reinstate',
    subjectType: 'person',
    subjectId: person.id,
    reason,
    subjectTitle: `${person.name} (@${person.handle})`,
    subjectUrl: `/people/${person.handle}`,
  })
  const account = await findAccountById(db, person.id)
  if (!account) return null
  return suspended
    ? {
        to: account.email,
        subject: 'Your Openly account has been suspended',
        text: `Hello ${account.name},\n\nA platform administrator has suspended your Openly account. While it is suspended you cannot sign in and your profile is not shown to anyone. What you wrote is kept while the administrators review it.\n\nThe reason given:\n${reason}\n\nIf you think this is a mistake, contact the administrators of ${baseUrl}.\n`,
      }
    : {
        to: account.email,
        subject: 'Your Openly account has been reinstated',
        text: `Hello ${account.name},\n\nA platform administrator has reinstated your Openly account. You can sign in again at ${baseUrl}/sign-in\n\nThe reason given:\n${reason}\n`,
      }
}

/** Suspended accounts, most recently suspended first (limit + 1 rows): platform admins only (404 for anyone else). */
export async function suspendedAccounts(db: Db, actor: Actor, options: { cursor: Cursor | null; limit: number }): Promise<Person[]> {
  if (!actor.isAdmin) throw notFound()
  return listSuspended(db, options.cursor, options.limit)
}

/** Any person by handle, whatever their state, for a platform admin's moderation pages (404 for anyone else). */
export async function personForAdmin(db: Db, actor: Actor, handle: string): Promise<Person> {
  if (!actor.isAdmin) throw notFound()
  const person = await personByHandle(db, handle)
  if (!person) throw notFound()
  return person
}


/** Someone a module may send mail to: a confirmed, unsuspended account. */
export interface MailRecipient {
  id: string
  email: string
  name: string
  handle: string
  timeZone: string
  /** The reader the mail is composed for (what it may include is decided as this actor). */
  actor: Actor & { userId: string }
}

/** The people among `ids` who can be mailed, keyed by id (unconfirmed and suspended accounts are left out). */
export async function mailRecipients(db: Db, ids: readonly string[]): Promise<Map<string, MailRecipient>> {
  const rows = await mailRecipientRows(db, ids)
  return new Map(rows.map((r) => [r.id, { id: r.id, email: r.email, name: r.name, handle: r.handle, timeZone: r.time_zone, actor: { userId: r.id, isAdmin: Number(r.is_admin) === 1 } }]))
}
