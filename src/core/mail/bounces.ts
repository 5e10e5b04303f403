import type { CoreDb } from '../core.tables.ts'
import { now } from '../db/ids.ts'

export interface Bounce {
  code: number
  message: string
  bouncedAt: string
}

const key = (email: string) => email.trim().toLowerCase()

/** Records that the address's server refused our mail for good (the latest refusal wins). */
export async function recordBounce(db: CoreDb, email: string, code: number, message: string): Promise<void> {
  const row = { email: key(email), code, message: message.slice(0, 500), bounced_at: now() }
  await db.insertInto('mail_bounces').values(row).onConflict((oc) => oc.column('email').doUpdateSet({ code: row.code, message: row.message, bounced_at: row.bounced_at })).execute()
}

export async function isBounced(db: CoreDb, email: string): Promise<boolean> {
  return (await bounceOf(db, email)) !== null
}

/** Why mail to this address stopped, or null when it is delivered. */
export async function bounceOf(db: CoreDb, email: string): Promise<Bounce | null> {
  const row = await db.selectFrom('mail_bounces').selectAll().where('email', '=', key(email)).executeTakeFirst()
  return row ? { code: row.code, message: row.message, bouncedAt: row.bounced_at } : null
}

/** The person says their address works again: list mail resumes. */
export async function clearBounce(db: CoreDb, email: string): Promise<void> {
  await db.deleteFrom('mail_bounces').where('email', '=', key(email)).execute()
}
