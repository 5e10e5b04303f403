import { randomBytes } from 'node:crypto'
import type { Db } from '../db/database.ts'
import type { CoreDb } from '../core.tables.ts'
import { isUniqueViolation } from '../db/errors.ts'
import { AppError } from '../errors.ts'

/**
 * One-time form tokens, so a double click, a resent request or a duplicated tab never creates
 * a thing twice. Every create form carries a fresh `_submission` token (the Nunjucks global
 * `newSubmissionToken()`); the route runs its work through `submitOnce`, which records the token
 * in the same transaction as the work. A second request with the same token waits for the first
 * (the unique key serialises them on PostgreSQL; SQLite runs one write at a time) and is answered
 * with the first one's result instead of doing the work again.
 */

/** A fresh token for a form (URL-safe, unguessable). */
export function newSubmissionToken(): string {
  return randomBytes(16).toString('base64url')
}

/** The token from a form body, or null when there is none or it cannot be one of ours. */
export function submissionTokenIn(body: unknown): string | null {
  const field = (body as Record<string, unknown> | null | undefined)?._submission
  // A multipart body (attachFieldsToBody) holds each field as { value }.
  const value = field && typeof field === 'object' && 'value' in field ? (field as { value: unknown }).value : field
  return typeof value === 'string' && /^[A-Za-z0-9_-]{16,64}$/.test(value) ? value : null
}

class AlreadySubmitted extends Error {}

/** Tokens older than this are forgotten (a form left open longer than a day simply works again). */
const KEEP_MS = 24 * 3600_000

/**
 * Runs `work` in a transaction once per token. Returns its result URL, or the URL the first
 * request with this token produced (`duplicate: true`). Without a token the work simply runs.
 * If the first request failed (its transaction rolled back), its token is free again.
 */
export async function submitOnce(db: Db, token: string | null, userId: string, work: (trx: Db) => Promise<string>): Promise<{ url: string; duplicate: boolean }> {
  if (!token) return { url: await db.transaction().execute(work), duplicate: false }
  try {
    const url = await db.transaction().execute(async (trx) => {
      const core: CoreDb = trx
      try {
        await core.insertInto('form_submissions').values({ token, user_id: userId, result_url: null, created_at: new Date().toISOString() }).execute()
      } catch (err) {
        if (isUniqueViolation(err)) throw new AlreadySubmitted()
        throw err
      }
      const result = await work(trx)
      await core.updateTable('form_submissions').set({ result_url: result }).where('token', '=', token).execute()
      return result
    })
    await forgetOldTokens(db)
    return { url, duplicate: false }
  } catch (err) {
    if (!(err instanceof AlreadySubmitted)) throw err
    const core: CoreDb = db
    const first = await core.selectFrom('form_submissions').select(['user_id', 'result_url']).where('token', '=', token).executeTakeFirst()
    // Someone else's token (it was copied), or a first request without a result: say so plainly.
    if (!first || first.user_id !== userId || !first.result_url) throw new AppError('already_submitted', 409, 'This form has already been sent. Go back, reload the page and try again.')
    return { url: first.result_url, duplicate: true }
  }
}

async function forgetOldTokens(db: Db): Promise<void> {
  const core: CoreDb = db
  await core.deleteFrom('form_submissions').where('created_at', '<', new Date(Date.now() - KEEP_MS).toISOString()).execute()
}
