import type { CoreDb } from '../core.tables.ts'
import type { Db } from '../db/database.ts'
import { now } from '../db/ids.ts'
import { outboundLinks } from '../markdown/markdown.ts'
import { can } from './can.ts'
import { heldStateOf, recordHeld } from './held.ts'
import type { Actor } from './policy.ts'

/**
 * Trust levels, as Discourse has them, kept to the one restriction that stops most spam: a new account's
 * content with links waits for a moderator's approval before anyone else sees it.
 *
 * - An account is new for its first `newAccountDays` days (TRUST_NEW_ACCOUNT_DAYS; 0 turns this off),
 *   unless `approvals` of its held items have been approved (TRUST_APPROVALS), like Discourse's
 *   "approve post count". Platform admins are never new.
 * - Held: posts, comments, threads, replies and library links whose text links somewhere else (what the
 *   Markdown renderer would make a link or an image: markdown/outboundLinks). Content without links is published.
 * - Not held in a space the account itself hosts or moderates (the policy's `publishLinks` rule).
 * - While it waits, the content is hidden (`hidden_at`), so every read path (pages, lists, search, feeds,
 *   sitemaps, notifications) keeps it from everyone but its author and those who moderate there; the
 *   moderation queue lists it as waiting for approval (core/access/held.ts).
 */

export interface TrustRule {
  /** Accounts younger than this many days are new; 0: nobody is. */
  newAccountDays: number
  /** After this many approvals of its held content, an account is trusted before its time. */
  approvals: number
}

/** Whether a signed-in account is new (its `newcomer` flag on the actor, set once per request). */
export function isNewcomer(account: { isAdmin: boolean; joinedAt: string; trustedAt: string | null }, rule: TrustRule, at = Date.now()): boolean {
  if (rule.newAccountDays <= 0 || account.isAdmin || account.trustedAt) return false
  return Date.parse(account.joinedAt) > at - rule.newAccountDays * 86_400_000
}

/** What the hold is recorded with: the rule's reason, shown to moderators. */
export const NEW_ACCOUNT_REASON = 'A new account’s first content with links waits for a moderator’s approval'

/**
 * Decides whether a new or edited item by the actor waits for approval, and records it when it does.
 * Call it in the transaction that saves the item, before writing it: it returns the `hidden_at` to store
 * (null: publish now). An item a moderator has approved is not held again; one already held stays held.
 */
export async function holdForApproval(
  db: Db,
  actor: Actor,
  item: { type: string; id: string; spaceId: string | null; title: string; url: string; text: string },
): Promise<string | null> {
  if (!actor.userId || outboundLinks(item.text).length === 0) return null
  if (await can(db, actor, 'publishLinks', 'content', { spaceId: item.spaceId, authorIds: [actor.userId], hiddenAt: null })) return null
  const state = await heldStateOf(db, item.type, item.id)
  if (state === 'approved') return null
  const at = now()
  if (state === null) await recordHeld(db, { ...item, authorId: actor.userId, state: 'pending', reason: NEW_ACCOUNT_REASON, decidedBy: null })
  return at
}

/** After an approval: trusts the author once enough of their held content has been approved. */
export async function trustAfterApprovals(db: CoreDb, authorId: string, rule: TrustRule): Promise<boolean> {
  const row = await db
    .selectFrom('held_content')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('author_id', '=', authorId)
    .where('state', '=', 'approved')
    .executeTakeFirst()
  if (Number(row?.n ?? 0) < rule.approvals) return false
  await db.updateTable('users').set({ trusted_at: now() }).where('id', '=', authorId).where('trusted_at', 'is', null).execute()
  return true
}
