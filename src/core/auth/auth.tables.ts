import type { ColumnType } from 'kysely'

/**
 * People who can sign in: identity only. What a person says about themselves (role, bio, skills,
 * whether they are listed) is the accounts module's `profiles` table.
 */
export interface UsersTable {
  id: string
  email: string
  email_verified_at: string | null
  password_hash: string
  handle: string
  name: string
  is_admin: number
  /** Set when a platform admin suspends the account: no sign-in, no session, no public profile. */
  suspended_at: string | null
  /** Set when a new account has had enough of its held content approved: it is no longer new (core/access/trust.ts). */
  trusted_at: string | null
  /** IANA time zone the person reads and writes times in (core/time.ts). */
  time_zone: ColumnType<string, string | undefined, string>
  created_at: string
  updated_at: string
}

export interface SessionsTable {
  /** sha256 of the cookie token, so a leaked table cannot be replayed. */
  id: string
  user_id: string
  created_at: string
  expires_at: string
}

/** A person's secret feed key (core/auth/feed-keys.ts): only its hash. */
export interface FeedKeysTable {
  /** sha256 of the key in the feed URL. */
  id: string
  user_id: string
  created_at: string
}

export interface AuthTables {
  users: UsersTable
  sessions: SessionsTable
  feed_keys: FeedKeysTable
}
