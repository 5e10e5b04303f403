import type { Executor } from '../../core/db/database.ts'
import type { CoreTables } from '../../core/core.tables.ts'

/**
 * What a person says about themselves, and whether they chose to be listed in the people
 * directory, its API, the sitemap and exports. Their own page stays reachable by link either way.
 */
export interface ProfilesTable {
  user_id: string
  role: string
  bio: string
  /** Comma-separated short lists. */
  skills: string
  interests: string
  /** 1 when the person chose to be listed (asked at sign-up, changeable on their profile). */
  listed: number
  /** Set when a moderator hides the profile. */
  hidden_at: string | null
  updated_at: string
}

/**
 * Failed sign-in attempts, counted per account and network address pair, per account and per
 * network address (see accounts.throttle.ts). Both are stored hashed, so the table holds no e-mail
 * addresses of people who have no account, nor anyone's IP address.
 */
export interface SignInFailuresTable {
  id: string
  email_hash: string
  address_hash: string
  failed_at: string
}

/** One-time tokens sent by e-mail (verify address, reset password); stored hashed. (Created by an early core migration; owned here.) */
export interface EmailTokensTable {
  id: string
  user_id: string
  purpose: 'verify' | 'reset'
  expires_at: string
  used_at: string | null
}

/** A handle a person used to have, so old links answer 301 (until someone else takes it). */
export interface HandleRedirectsTable {
  old_handle: string
  user_id: string
  created_at: string
}

/** Tables owned by the accounts module. */
export interface AccountsTables {
  profiles: ProfilesTable
  handle_redirects: HandleRedirectsTable
  sign_in_failures: SignInFailuresTable
  email_tokens: EmailTokensTable
}

/** Accounts works through its own tables plus the core's identity tables (it is the module that manages people). */
export type AccountsDb = Executor<AccountsTables & Pick<CoreTables, 'users' | 'sessions'>>
