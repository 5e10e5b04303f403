import { createHash } from 'node:crypto'
import type { Executor } from '../../core/db/database.ts'
import { newId, now } from '../../core/db/ids.ts'
import type { Cursor } from '../../core/http/pagination.ts'

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
  verified: boolean
  createdAt: string
}

const PUBLIC_COLUMNS = ['id', 'handle', 'name', 'role', 'bio', 'skills', 'interests', 'is_admin', 'email_verified_at', 'created_at'] as const

type PublicRow = { id: string; handle: string; name: string; role: string; bio: string; skills: string; interests: string; is_admin: number; email_verified_at: string | null; created_at: string }

/** "a, b" → ['a', 'b']: skills and interests are stored as one comma-separated text column. */
export const splitStored = (text: string) => text.split(',').map((s) => s.trim()).filter(Boolean)
export const joinStored = (items: string[]) => items.map((s) => s.replace(/,/g, ' ').trim()).filter(Boolean).join(', ')

function toPerson(row: PublicRow): Person {
  return {
    id: row.id,
    handle: row.handle,
    name: row.name,
    role: row.role,
    bio: row.bio,
    skills: splitStored(row.skills),
    interests: splitStored(row.interests),
    isAdmin: Number(row.is_admin) === 1,
    verified: row.email_verified_at !== null,
    createdAt: row.created_at,
  }
}

/**
 * A verified person by handle (case-insensitive), or null. People who have not confirmed their
 * e-mail address have no public presence, so they are null here too (their profile is a 404).
 */
export async function findPersonByHandle(db: Executor, handle: string): Promise<Person | null> {
  const h = handle.trim().toLowerCase()
  if (!h || h.length > 30) return null
  const row = await db.selectFrom('users').select(PUBLIC_COLUMNS).where('handle', '=', h).where('email_verified_at', 'is not', null).executeTakeFirst()
  return row ? toPerson(row) : null
}

/** People by id, in one query (for authors, members, attendees). Unknown ids are simply absent. */
export async function peopleByIds(db: Executor, ids: readonly string[]): Promise<Map<string, Person>> {
  const unique = [...new Set(ids)]
  const map = new Map<string, Person>()
  if (unique.length === 0) return map
  const rows = await db.selectFrom('users').select(PUBLIC_COLUMNS).where('id', 'in', unique).execute()
  for (const row of rows) map.set(row.id, toPerson(row))
  return map
}

/** Verified people by handle, keyed by lowercase handle, in one query (for @mentions and co-authors). */
export async function peopleByHandles(db: Executor, handles: readonly string[]): Promise<Map<string, Person>> {
  const unique = [...new Set(handles.map((h) => h.trim().toLowerCase()).filter((h) => h && h.length <= 30))]
  const map = new Map<string, Person>()
  if (unique.length === 0) return map
  const rows = await db.selectFrom('users').select(PUBLIC_COLUMNS).where('handle', 'in', unique).where('email_verified_at', 'is not', null).execute()
  for (const row of rows) map.set(row.handle, toPerson(row))
  return map
}

/** One page of verified people in name order (keyset on (name, id)); fetches limit + 1. */
export async function listPeopleRows(db: Executor, after: Cursor | null, limit: number): Promise<Person[]> {
  let q = db.selectFrom('users').select(PUBLIC_COLUMNS).where('email_verified_at', 'is not', null)
  if (after) q = q.where((eb) => eb.or([eb('name', '>', after.at), eb.and([eb('name', '=', after.at), eb('id', '>', after.id)])]))
  const rows = await q.orderBy('name', 'asc').orderBy('id', 'asc').limit(limit + 1).execute()
  return rows.map(toPerson)
}

/** All verified people's handles, for the sitemap. */
export async function verifiedHandles(db: Executor): Promise<Array<{ handle: string; updated_at: string }>> {
  return db.selectFrom('users').select(['handle', 'updated_at']).where('email_verified_at', 'is not', null).orderBy('handle').execute()
}

/** The account row behind an e-mail address (lowercase), with the password hash: for sign-in only. */
export async function findAccountByEmail(db: Executor, email: string) {
  return db.selectFrom('users').select(['id', 'email', 'handle', 'name', 'password_hash', 'email_verified_at']).where('email', '=', email.toLowerCase()).executeTakeFirst()
}

/** A person's own account row (profile fields and e-mail), for their profile form. */
export async function findAccountById(db: Executor, id: string) {
  return db.selectFrom('users').select(['id', 'email', 'handle', 'name', 'role', 'bio', 'skills', 'interests', 'email_verified_at']).where('id', '=', id).executeTakeFirst()
}

/** The id of whoever has this handle (verified or not), for uniqueness checks. */
export async function handleOwner(db: Executor, handle: string): Promise<string | null> {
  const row = await db.selectFrom('users').select('id').where('handle', '=', handle).executeTakeFirst()
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
}

/** Inserts a person (unverified unless verifiedAt is given); returns the new id. */
export async function insertAccount(db: Executor, a: NewAccount): Promise<string> {
  const id = newId()
  const t = now()
  await db
    .insertInto('users')
    .values({
      id,
      email: a.email.toLowerCase(),
      email_verified_at: a.verifiedAt ?? null,
      password_hash: a.passwordHash,
      handle: a.handle,
      name: a.name,
      role: a.role ?? '',
      bio: a.bio ?? '',
      skills: joinStored(a.skills ?? []),
      interests: joinStored(a.interests ?? []),
      is_admin: a.isAdmin ? 1 : 0,
      created_at: t,
      updated_at: t,
    })
    .execute()
  return id
}

/** Saves profile fields; the caller has checked the handle is free. */
export async function updateProfileRow(db: Executor, id: string, p: { name: string; handle: string; role: string; bio: string; skills: string[]; interests: string[] }): Promise<void> {
  await db
    .updateTable('users')
    .set({ name: p.name, handle: p.handle, role: p.role, bio: p.bio, skills: joinStored(p.skills), interests: joinStored(p.interests), updated_at: now() })
    .where('id', '=', id)
    .execute()
}

/** Replaces a person's password hash. */
export async function setPasswordHash(db: Executor, id: string, passwordHash: string): Promise<void> {
  await db.updateTable('users').set({ password_hash: passwordHash, updated_at: now() }).where('id', '=', id).execute()
}

/** Marks the address confirmed (keeps the first confirmation time). */
export async function markVerified(db: Executor, id: string): Promise<void> {
  const t = now()
  await db.updateTable('users').set({ email_verified_at: t, updated_at: t }).where('id', '=', id).where('email_verified_at', 'is', null).execute()
}

// --- One-time e-mail tokens (the id is the sha256 of the token sent) ---

/** Stores a one-time e-mail token by its hash. */
export async function insertEmailToken(db: Executor, row: { id: string; userId: string; purpose: 'verify' | 'reset'; expiresAt: string }): Promise<void> {
  await db.insertInto('email_tokens').values({ id: row.id, user_id: row.userId, purpose: row.purpose, expires_at: row.expiresAt, used_at: null }).execute()
}

/** The owner of a live (unused, unexpired) token of this purpose, or null. */
export async function liveTokenOwner(db: Executor, id: string, purpose: 'verify' | 'reset'): Promise<string | null> {
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
export async function useEmailToken(db: Executor, id: string): Promise<boolean> {
  const result = await db.updateTable('email_tokens').set({ used_at: now() }).where('id', '=', id).where('used_at', 'is', null).executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/** Retires a person's other unused tokens of a purpose (a new reset link makes older ones void). */
export async function retireTokens(db: Executor, userId: string, purpose: 'verify' | 'reset'): Promise<void> {
  await db.updateTable('email_tokens').set({ used_at: now() }).where('user_id', '=', userId).where('purpose', '=', purpose).where('used_at', 'is', null).execute()
}

// --- Per-address sign-in failures ---

export const emailHash = (email: string) => createHash('sha256').update(`openly-sign-in:${email.toLowerCase()}`).digest('base64url')

/** Failed sign-ins for an address since the given time. */
export async function countRecentFailures(db: Executor, email: string, since: string): Promise<number> {
  const row = await db
    .selectFrom('sign_in_failures')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('email_hash', '=', emailHash(email))
    .where('failed_at', '>', since)
    .executeTakeFirst()
  return Number(row?.n ?? 0)
}

/** Records a failure and prunes rows older than the window (index on failed_at). */
export async function recordFailure(db: Executor, email: string, pruneBefore: string): Promise<void> {
  await db.insertInto('sign_in_failures').values({ id: newId(), email_hash: emailHash(email), failed_at: now() }).execute()
  await db.deleteFrom('sign_in_failures').where('failed_at', '<', pruneBefore).execute()
}

/** Forgets an address's failures after a successful sign-in. */
export async function clearFailures(db: Executor, email: string): Promise<void> {
  await db.deleteFrom('sign_in_failures').where('email_hash', '=', emailHash(email)).execute()
}
