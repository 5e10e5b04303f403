import type { SitemapRange, SitemapUrl } from '../../core/sitemap/sitemap.ts'
import { createHash } from 'node:crypto'
import type { ExpressionBuilder } from 'kysely'
import { newId, now } from '../../core/db/ids.ts'
import { afterCursor, type Cursor } from '../../core/http/pagination.ts'
import type { AccountsDb } from './accounts.tables.ts'
import { readerRow } from '../../core/access/reader-facts.ts'
import type { Actor } from '../../core/access/policy.ts'

/** A person as other modules and public pages see them: never the e-mail address or password hash. */
export interface Person {
  id: string
  handle: string
  name: string
  role: string
  bio: string
  skills: string[]
  interests: string[]
  isAdmin: boolean
  /** Chose to be listed in the people directory, its API, the sitemap and exports. */
  listed: boolean
  createdAt: string
  updatedAt: string
  verified: boolean
  suspended: boolean
  /** When a platform admin suspended the account, or null. */
  suspendedAt: string | null
  /** A moderator hid the profile. */
  hidden: boolean
  /** When a moderator hid the profile, or null. */
  hiddenAt: string | null
  /** Has a public presence (confirmed address, not suspended, not hidden): linkable, nameable, findable. */
  public: boolean
}

const COLUMNS = [
  'users.id',
  'users.handle',
  'users.name',
  'users.is_admin',
  'users.email_verified_at',
  'users.suspended_at',
  'users.created_at',
  'profiles.role',
  'profiles.bio',
  'profiles.skills',
  'profiles.interests',
  'profiles.listed',
  'profiles.hidden_at',
  'profiles.updated_at',
] as const

type Row = {
  id: string
  handle: string
  name: string
  is_admin: number
  email_verified_at: string | null
  suspended_at: string | null
  created_at: string
  role: string
  bio: string
  skills: string
  interests: string
  listed: number
  hidden_at: string | null
  updated_at: string
}

/** "a, b" → ['a', 'b']: skills and interests are stored as one comma-separated text column. */
export const splitStored = (text: string) => text.split(',').map((s) => s.trim()).filter(Boolean)
export const joinStored = (items: string[]) => items.map((s) => s.replace(/,/g, ' ').trim()).filter(Boolean).join(', ')

function toPerson(row: Row): Person {
  const verified = row.email_verified_at !== null
  const suspended = row.suspended_at !== null
  const hidden = row.hidden_at !== null
  return {
    id: row.id,
    handle: row.handle,
    name: row.name,
    role: row.role,
    bio: row.bio,
    skills: splitStored(row.skills),
    interests: splitStored(row.interests),
    isAdmin: Number(row.is_admin) === 1,
    listed: Number(row.listed) === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    verified,
    suspended,
    suspendedAt: row.suspended_at,
    hidden,
    hiddenAt: row.hidden_at,
    public: verified && !suspended && !hidden,
  }
}

const people = (db: AccountsDb) => db.selectFrom('users').innerJoin('profiles', 'profiles.user_id', 'users.id').select(COLUMNS)

/** SQL: the person has a public presence (see Person.public). */
const isPublic = (eb: ExpressionBuilder<any, any>) =>
  eb.and([eb('users.email_verified_at', 'is not', null), eb('users.suspended_at', 'is', null), eb('profiles.hidden_at', 'is', null)])

const cleanHandle = (handle: string) => handle.trim().replace(/^@/, '').toLowerCase()

/** The person with this handle (case-insensitive) in whatever state, or null: callers ask the policy. */
export async function personByHandle(db: AccountsDb, handle: string): Promise<Person | null> {
  const h = cleanHandle(handle)
  if (!h || h.length > 30) return null
  const row = await people(db).where('users.handle', '=', h).executeTakeFirst()
  return row ? toPerson(row) : null
}

/** People by id in one query, whatever their state (to label what other modules already show). */
export async function peopleByIds(db: AccountsDb, ids: readonly string[]): Promise<Map<string, Person>> {
  const unique = [...new Set(ids)]
  const map = new Map<string, Person>()
  if (unique.length === 0) return map
  for (const row of await people(db).where('users.id', 'in', unique).execute()) map.set(row.id, toPerson(row))
  return map
}

/** People with a public presence, by handle (keyed by lowercase handle), in one query: for @mentions, co-authors, teams, invitations. */
export async function publicPeopleByHandles(db: AccountsDb, handles: readonly string[]): Promise<Map<string, Person>> {
  const unique = [...new Set(handles.map(cleanHandle).filter((h) => h && h.length <= 30))]
  const map = new Map<string, Person>()
  if (unique.length === 0) return map
  for (const row of await people(db).where('users.handle', 'in', unique).where(isPublic).execute()) map.set(row.handle, toPerson(row))
  return map
}

/** One page of listed people in name order (keyset on (name, id)); fetches limit + 1. */
export async function listListedPeople(db: AccountsDb, after: Cursor | null, limit: number): Promise<Person[]> {
  let q = people(db).where(isPublic).where('profiles.listed', '=', 1)
  if (after) q = q.where((eb) => afterCursor(eb, 'users.name', 'users.id', after, 'asc'))
  const rows = await q.orderBy('users.name', 'asc').orderBy('users.id', 'asc').limit(limit + 1).execute()
  return rows.map(toPerson)
}

/** Suspended accounts, most recently suspended first (keyset on (suspended_at, id)); fetches limit + 1. */
export async function listSuspended(db: AccountsDb, after: Cursor | null, limit: number): Promise<Person[]> {
  let q = people(db).where('users.suspended_at', 'is not', null)
  if (after) q = q.where((eb) => afterCursor(eb, 'users.suspended_at', 'users.id', after))
  const rows = await q.orderBy('users.suspended_at', 'desc').orderBy('users.id', 'desc').limit(limit + 1).execute()
  return rows.map(toPerson)
}

/** Listed people with a public presence: the sitemap's source, cut into parts by when they joined (core/sitemap). */
function listedPeople(db: AccountsDb) {
  return db.selectFrom('users').innerJoin('profiles', 'profiles.user_id', 'users.id').where(isPublic).where('profiles.listed', '=', 1)
}

/** For the sitemap: the people directory (first part), and listed people who joined in [from, to). */
export async function listedPeoplePaths(db: AccountsDb, range: SitemapRange): Promise<SitemapUrl[]> {
  let q = listedPeople(db).select(['users.handle as handle', 'profiles.updated_at as updated_at'])
  if (range.from !== null) q = q.where('users.created_at', '>=', range.from)
  if (range.to !== null) q = q.where('users.created_at', '<', range.to)
  const rows = await q.orderBy('users.created_at').limit(range.limit).execute()
  return [...(range.from === null ? [{ path: '/people' }] : []), ...rows.map((p) => ({ path: `/people/${p.handle}`, updated: p.updated_at }))]
}

/** For cutting the sitemap into parts: when the listed person `step` after `after` joined. */
export async function listedPersonKeyAfter(db: AccountsDb, after: string | null, step: number): Promise<string | null> {
  let q = listedPeople(db).select('users.created_at as created_at')
  if (after !== null) q = q.where('users.created_at', '>', after)
  const row = await q.orderBy('users.created_at').limit(1).offset(step - 1).executeTakeFirst()
  return row?.created_at ?? null
}

/** The account row behind an e-mail address (lowercase), with the password hash: for sign-in only. */
export async function findAccountByEmail(db: AccountsDb, email: string) {
  return db.selectFrom('users').select(['id', 'email', 'handle', 'name', 'password_hash', 'email_verified_at', 'suspended_at']).where('email', '=', email.toLowerCase()).executeTakeFirst()
}

/** A person's own account and profile (with e-mail), for their profile form and the search index. */
/**
 * The reader's own profile fields, as the settings form shows them: read as two personal facts (their user row and
 * their profile row, every field shown), so the rendered form is kept and served again to whoever those fields are
 * the same for (in practice, them: a handle is one person's) until they change (decision 0042).
 */
export async function readerProfile(db: AccountsDb, actor: Actor) {
  const [user, profile] = await Promise.all([readerRow(db, actor, 'users', 'id', {}, ['name', 'handle']), readerRow(db, actor, 'profiles', 'user_id', {}, ['role', 'bio', 'skills', 'interests', 'listed'])])
  return user && profile ? { ...user, ...profile } : undefined
}

export async function findAccountById(db: AccountsDb, id: string) {
  return db
    .selectFrom('users')
    .innerJoin('profiles', 'profiles.user_id', 'users.id')
    .select(['users.id', 'users.email', 'users.handle', 'users.name', 'users.email_verified_at', 'users.suspended_at', 'profiles.role', 'profiles.bio', 'profiles.skills', 'profiles.interests', 'profiles.listed', 'profiles.hidden_at'])
    .where('users.id', '=', id)
    .executeTakeFirst()
}

/** The current handle of whoever had `oldHandle`, when nobody has it now. */
export async function currentHandle(db: AccountsDb, oldHandle: string): Promise<string | null> {
  const h = cleanHandle(oldHandle)
  if (!h || h.length > 30) return null
  const row = await db.selectFrom('handle_redirects').innerJoin('users', 'users.id', 'handle_redirects.user_id').select('users.handle').where('handle_redirects.old_handle', '=', h).executeTakeFirst()
  return row?.handle ?? null
}

/** The id of whoever has this handle (verified or not), for uniqueness checks. */
export async function handleOwner(db: AccountsDb, handle: string): Promise<string | null> {
  const row = await db.selectFrom('users').select('id').where('handle', '=', handle).executeTakeFirst()
  return row?.id ?? null
}

/** The id of the account with this e-mail address, or null (never shown to anyone: used to attach an invitation). */
export async function accountIdByEmail(db: AccountsDb, email: string): Promise<string | null> {
  const row = await db.selectFrom('users').select('id').where('email', '=', email.toLowerCase()).executeTakeFirst()
  return row?.id ?? null
}

export interface NewAccount {
  email: string
  name: string
  handle: string
  passwordHash: string
  verifiedAt?: string | null
  isAdmin?: boolean
  role?: string
  bio?: string
  skills?: string[]
  interests?: string[]
  listed?: boolean
  /** When the account was created (now unless given: demo people have some history). */
  createdAt?: string
}

/** Inserts a person and their profile (unverified unless verifiedAt is given); returns the new id. */
export async function insertAccount(db: AccountsDb, a: NewAccount): Promise<string> {
  const id = newId()
  const t = a.createdAt ?? now()
  await db
    .insertInto('users')
    .values({ id, email: a.email.toLowerCase(), email_verified_at: a.verifiedAt ?? null, password_hash: a.passwordHash, handle: a.handle, name: a.name, is_admin: a.isAdmin ? 1 : 0, suspended_at: null, trusted_at: null, created_at: t, updated_at: t })
    .execute()
  await db
    .insertInto('profiles')
    .values({ user_id: id, role: a.role ?? '', bio: a.bio ?? '', skills: joinStored(a.skills ?? []), interests: joinStored(a.interests ?? []), listed: a.listed ? 1 : 0, hidden_at: null, updated_at: t })
    .execute()
  return id
}

/** Saves profile fields; the caller has checked the handle is free. A changed handle leaves a redirect behind. */
export async function updateProfileRow(db: AccountsDb, id: string, p: { name: string; handle: string; role: string; bio: string; skills: string[]; interests: string[]; listed: boolean; timeZone: string }): Promise<void> {
  const t = now()
  const before = await db.selectFrom('users').select('handle').where('id', '=', id).executeTakeFirst()
  // The new handle is someone's own now: it no longer leads anywhere else.
  await db.deleteFrom('handle_redirects').where('old_handle', '=', p.handle).execute()
  if (before && before.handle !== p.handle) {
    await db.insertInto('handle_redirects').values({ old_handle: before.handle, user_id: id, created_at: t }).onConflict((oc) => oc.column('old_handle').doUpdateSet({ user_id: id, created_at: t })).execute()
  }
  await db.updateTable('users').set({ name: p.name, handle: p.handle, ...(p.timeZone ? { time_zone: p.timeZone } : {}), updated_at: t }).where('id', '=', id).execute()
  await db
    .updateTable('profiles')
    .set({ role: p.role, bio: p.bio, skills: joinStored(p.skills), interests: joinStored(p.interests), listed: p.listed ? 1 : 0, updated_at: t })
    .where('user_id', '=', id)
    .execute()
}

/** Moderation: hides or restores a profile. */
export async function setProfileHidden(db: AccountsDb, id: string, hidden: boolean): Promise<void> {
  await db.updateTable('profiles').set({ hidden_at: hidden ? now() : null }).where('user_id', '=', id).execute()
}

/** Suspends or reinstates an account (identity lives in the core users table; accounts manages it). */
export async function setSuspended(db: AccountsDb, id: string, suspended: boolean): Promise<void> {
  await db.updateTable('users').set({ suspended_at: suspended ? now() : null }).where('id', '=', id).execute()
}

/** Replaces a person's password hash. */
export async function setPasswordHash(db: AccountsDb, id: string, passwordHash: string): Promise<void> {
  await db.updateTable('users').set({ password_hash: passwordHash, updated_at: now() }).where('id', '=', id).execute()
}

/** Marks the address confirmed (keeps the first confirmation time). */
export async function markVerified(db: AccountsDb, id: string): Promise<void> {
  const t = now()
  await db.updateTable('users').set({ email_verified_at: t, updated_at: t }).where('id', '=', id).where('email_verified_at', 'is', null).execute()
}

// --- One-time e-mail tokens (the id is the sha256 of the token sent) ---

/** Stores a one-time e-mail token by its hash. */
export async function insertEmailToken(db: AccountsDb, row: { id: string; userId: string; purpose: 'verify' | 'reset'; expiresAt: string }): Promise<void> {
  await db.insertInto('email_tokens').values({ id: row.id, user_id: row.userId, purpose: row.purpose, expires_at: row.expiresAt, used_at: null }).execute()
}

/** The owner of a live (unused, unexpired) token of this purpose, or null. */
export async function liveTokenOwner(db: AccountsDb, id: string, purpose: 'verify' | 'reset'): Promise<string | null> {
  const row = await db
    .selectFrom('email_tokens')
    .select('user_id')
    .where('id', '=', id)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now())
    .executeTakeFirst()
  return row?.user_id ?? null
}

/** Uses a token up; true only for the one caller that flipped it (two clicks cannot both win). */
export async function useEmailToken(db: AccountsDb, id: string): Promise<boolean> {
  const result = await db.updateTable('email_tokens').set({ used_at: now() }).where('id', '=', id).where('used_at', 'is', null).executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/** Retires a person's other unused tokens of a purpose (a new reset link makes older ones void). */
export async function retireTokens(db: AccountsDb, userId: string, purpose: 'verify' | 'reset'): Promise<void> {
  await db.updateTable('email_tokens').set({ used_at: now() }).where('user_id', '=', userId).where('purpose', '=', purpose).where('used_at', 'is', null).execute()
}

// --- Failed sign-ins (hashed e-mail and network addresses) ---

export const emailHash = (email: string) => createHash('sha256').update(`openly-sign-in:${email.toLowerCase()}`).digest('base64url')
export const addressHash = (ip: string) => createHash('sha256').update(`openly-address:${ip}`).digest('base64url')

/** Failed sign-ins since `since`: for this account from this address, for this account from anywhere, and from this address for anyone. */
export async function countRecentFailures(db: AccountsDb, email: string, ip: string, since: string): Promise<{ pair: number; account: number; address: number }> {
  const e = emailHash(email)
  const a = addressHash(ip)
  const recent = () => db.selectFrom('sign_in_failures').select((eb) => eb.fn.countAll<number>().as('n')).where('failed_at', '>', since)
  const [pair, account, address] = await Promise.all([
    recent().where('email_hash', '=', e).where('address_hash', '=', a).executeTakeFirst(),
    recent().where('email_hash', '=', e).executeTakeFirst(),
    recent().where('address_hash', '=', a).executeTakeFirst(),
  ])
  return { pair: Number(pair?.n ?? 0), account: Number(account?.n ?? 0), address: Number(address?.n ?? 0) }
}

/** Records a failure and prunes rows older than the window (index on failed_at). */
export async function recordFailure(db: AccountsDb, email: string, ip: string, pruneBefore: string): Promise<void> {
  await db.insertInto('sign_in_failures').values({ id: newId(), email_hash: emailHash(email), address_hash: addressHash(ip), failed_at: now() }).execute()
  await db.deleteFrom('sign_in_failures').where('failed_at', '<', pruneBefore).execute()
}

/** Forgets this account's failures from this address after a successful sign-in there (other addresses' stay counted). */
export async function clearFailures(db: AccountsDb, email: string, ip: string): Promise<void> {
  await db.deleteFrom('sign_in_failures').where('email_hash', '=', emailHash(email)).where('address_hash', '=', addressHash(ip)).execute()
}

/** Where and how to write to these people: address, name, time zone; only confirmed, unsuspended accounts. */
export async function mailRecipientRows(db: AccountsDb, ids: readonly string[]) {
  const unique = [...new Set(ids)]
  if (!unique.length) return []
  return db
    .selectFrom('users')
    .select(['id', 'email', 'name', 'handle', 'time_zone', 'is_admin'])
    .where('id', 'in', unique)
    .where('email_verified_at', 'is not', null)
    .where('suspended_at', 'is', null)
    .execute()
}
