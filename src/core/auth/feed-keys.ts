import { randomBytes } from 'node:crypto'
import type { CoreDb } from '../core.tables.ts'
import type { Actor } from '../access/policy.ts'
import { hashToken } from './sessions.ts'

/**
 * Personal feed keys. A feed reader cannot sign in, so a member subscribes to a private community's
 * feed through a URL carrying a secret key that acts as them, for feeds only. The key is shown once
 * when made (only its hash is stored, as with sessions); making a new one ends the old one.
 */

/** Makes (or replaces) the person's feed key and returns it; the old key stops working at once. */
export async function resetFeedKey(db: CoreDb, userId: string): Promise<string> {
  const key = randomBytes(24).toString('base64url')
  await db.deleteFrom('feed_keys').where('user_id', '=', userId).execute()
  await db.insertInto('feed_keys').values({ id: hashToken(key), user_id: userId, created_at: new Date().toISOString() }).execute()
  return key
}

/** Ends the person's feed key, if any. */
export async function revokeFeedKey(db: CoreDb, userId: string): Promise<void> {
  await db.deleteFrom('feed_keys').where('user_id', '=', userId).execute()
}

/** When the person's current key was made, or null. */
export async function feedKeyCreatedAt(db: CoreDb, userId: string): Promise<string | null> {
  const row = await db.selectFrom('feed_keys').select('created_at').where('user_id', '=', userId).executeTakeFirst()
  return row?.created_at ?? null
}

/** The reader a feed key stands for, or null for an unknown key or a suspended account. One query. */
export async function actorForFeedKey(db: CoreDb, key: unknown): Promise<(Actor & { userId: string }) | null> {
  if (typeof key !== 'string' || key.length < 20 || key.length > 100) return null
  const row = await db
    .selectFrom('feed_keys')
    .innerJoin('users', 'users.id', 'feed_keys.user_id')
    .select(['users.id', 'users.is_admin', 'users.suspended_at'])
    .where('feed_keys.id', '=', hashToken(key))
    .executeTakeFirst()
  if (!row || row.suspended_at !== null) return null
  // A feed only reads: whether the account is new (trust levels) does not matter here.
  return { userId: row.id, isAdmin: Number(row.is_admin) === 1 }
}
