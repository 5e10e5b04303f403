/**
 * Failed sign-in attempts per e-mail address, for the per-address limit that sits beside the
 * per-IP rate limit (an attacker can spread attempts over many IPs). The address is stored
 * hashed, so the table holds no e-mail addresses of people who have no account.
 */
export interface SignInFailuresTable {
  id: string
  email_hash: string
  failed_at: string
}

/** Tables owned by the accounts module (users, sessions and email_tokens are the core's). */
export interface AccountsTables {
  sign_in_failures: SignInFailuresTable
}
