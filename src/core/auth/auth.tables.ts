/** People who can sign in. Profile fields live here too: a person is one row. */
export interface UsersTable {
  id: string
  email: string
  email_verified_at: string | null
  password_hash: string
  handle: string
  name: string
  role: string
  bio: string
  skills: string
  interests: string
  is_admin: number
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

/** One-time tokens sent by e-mail (verify address, reset password); stored hashed. */
export interface EmailTokensTable {
  id: string
  user_id: string
  purpose: 'verify' | 'reset'
  expires_at: string
  used_at: string | null
}

export interface AuthTables {
  users: UsersTable
  sessions: SessionsTable
  email_tokens: EmailTokensTable
}
