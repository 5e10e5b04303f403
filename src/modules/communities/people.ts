import type { Db } from '../../core/db/database.ts'
import { viewSpace } from '../../core/access/spaces.policy.ts'
import { notify, notifyWhenShown, type NotificationInput } from '../notifications/notifications.ts'
import { peopleByIds } from '../accounts/accounts.ts'
import { membershipsAmong, spaceVisibility } from './membership.queries.ts'

// People as communities name and tell them: names come from accounts, and notices go only to
// those who may read the space they are about.

/** A person's display name for notices ("Someone" when the account is gone). */
export async function nameOf(db: Db, userId: string): Promise<string> {
  return (await peopleByIds(db, [userId])).get(userId)?.name ?? 'Someone'
}

/** People by id as pages label authors (name, handle, whether their profile is public). */
export async function authorsByIds(db: Db, ids: string[]): Promise<Map<string, { id: string; handle: string; name: string; public: boolean }>> {
  return peopleByIds(db, ids)
}

/**
 * Of these people, those who may read the space. A mention or reply notification must never
 * tell someone about a space they cannot see (a stranger mentioned in a private community).
 */
export async function readersAmong(db: Db, spaceId: string, userIds: string[]): Promise<Set<string>> {
  const ids = [...new Set(userIds)]
  if (ids.length === 0) return new Set()
  const visibility = await spaceVisibility(db, spaceId)
  if (!visibility) return new Set()
  const memberships = await membershipsAmong(db, spaceId, ids)
  // Platform admins count as anyone else here: a trusted space is not theirs to read by default.
  return new Set(ids.filter((id) => viewSpace({ userId: id, isAdmin: false }, { visibility, role: memberships.get(id)?.role ?? null, status: memberships.get(id)?.status ?? null, adminAccess: false })))
}

/** Notifies only those who may read the space; about an item held for approval, once a moderator lets it through. */
export async function notifyReaders(db: Db, spaceId: string, items: NotificationInput[], actorId: string, held?: { type: string; id: string; heldAt: string | null }): Promise<void> {
  const readers = await readersAmong(db, spaceId, items.map((i) => i.userId))
  const allowed = items.filter((i) => readers.has(i.userId))
  await (held ? notifyWhenShown(db, held, allowed, actorId) : notify(db, allowed, actorId))
}
