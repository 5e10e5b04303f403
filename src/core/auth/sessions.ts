import { createHash, randomBytes } from 'node:crypto'
import type { InferResult } from 'kysely'
import type { CoreDb } from '../core.tables.ts'
import { compiledOnce } from '../db/compiled-once.ts'
import type { ViewUser } from '../views/chrome.ts'

export const SESSION_COOKIE = 'openly_session'
const SESSION_DAYS = 30

export const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url')

/** Starts a session; returns the cookie token (only its hash is stored). */
export async function createSession(db: CoreDb, userId: string): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url')
  const created = new Date()
  const expiresAt = new Date(created.getTime() + SESSION_DAYS * 86400_000)
  await db.insertInto('sessions').values({ id: hashToken(token), user_id: userId, created_at: created.toISOString(), expires_at: expiresAt.toISOString() }).execute()
  return { token, expiresAt }
}

export interface SessionUser extends ViewUser {
  email: string
  emailVerified: boolean
  sessionId: string
  /** When the account was created and when it earned trust early: for trust levels (core/access/trust.ts). */
  joinedAt: string
  trustedAt: string | null
  /** The zone their pages show times in and their forms read times in. */
  timeZone: string
  /** When their address last refused our mail (core/mail/bounces.ts): list mail has stopped; pages tell them. */
  mailBouncedAt: string | null
}

const sessionQuery = (db: CoreDb, id: string) =>
  db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .leftJoin('mail_bounces', 'mail_bounces.email', 'users.email')
    .select(['mail_bounces.bounced_at', 'users.id', 'users.handle', 'users.name', 'users.email', 'users.email_verified_at', 'users.is_admin', 'users.suspended_at', 'users.created_at', 'users.trusted_at', 'users.time_zone', 'sessions.expires_at'])
    .where('sessions.id', '=', id)
/** Every signed-in request reads its session: built and compiled once (core/db/compiled-once.ts). */
const sessionStatement = compiledOnce(sessionQuery, 1)

/** The signed-in person for a cookie token, or null if the session is unknown, expired, or the account suspended. One query. */
export async function loadSession(db: CoreDb, token: string): Promise<SessionUser | null> {
  if (!token || token.length > 100) return null
  const id = hashToken(token)
  const row = (await db.executeQuery<InferResult<ReturnType<typeof sessionQuery>>[number]>(sessionStatement(db, id))).rows[0]
  if (!row || row.expires_at <= new Date().toISOString() || row.suspended_at !== null) return null
  return { id: row.id, handle: row.handle, name: row.name, email: row.email, emailVerified: row.email_verified_at !== null, isAdmin: Number(row.is_admin) === 1, sessionId: id, joinedAt: row.created_at, trustedAt: row.trusted_at, timeZone: row.time_zone, mailBouncedAt: row.bounced_at ?? null }
}

export async function destroySession(db: CoreDb, sessionId: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', sessionId).execute()
}

/** Ends every session of a person (after a password reset, or when the account is suspended). */
export async function destroyAllSessions(db: CoreDb, userId: string): Promise<void> {
  await db.deleteFrom('sessions').where('user_id', '=', userId).execute()
}
