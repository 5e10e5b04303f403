import type { CoreDb } from '../core.tables.ts'
import { newId, now } from '../db/ids.ts'
import { audit } from '../audit.ts'
import type { SpaceRole, SpaceVisibility, MembershipStatus } from './access.tables.ts'
import { spaceVisible, type Actor } from './policy.ts'
import { untrace } from './reader-trace.ts'

/** Creates a space (a community, later events and challenges) and returns its id. */
export async function createSpace(db: CoreDb, input: { kind: string; visibility: SpaceVisibility; name: string; path: string; id?: string }): Promise<string> {
  const id = input.id ?? newId()
  await db.insertInto('spaces').values({ id, kind: input.kind, visibility: input.visibility, name: input.name, path: input.path, created_at: now() }).execute()
  return id
}

export async function updateSpace(db: CoreDb, id: string, changes: { visibility?: SpaceVisibility; name?: string; path?: string }): Promise<void> {
  await db.updateTable('spaces').set(changes).where('id', '=', id).execute()
}

/** Adds or changes a membership (status: active, invited, requested, banned, removed). */
export async function setMembership(db: CoreDb, spaceId: string, userId: string, role: SpaceRole, status: MembershipStatus): Promise<void> {
  const t = now()
  await db
    .insertInto('space_members')
    .values({ space_id: spaceId, user_id: userId, role, status, created_at: t, updated_at: t })
    .onConflict((oc) => oc.columns(['space_id', 'user_id']).doUpdateSet({ role, status, updated_at: t }))
    .execute()
}

/**
 * Spaces where the reader is an active member, for "post to a community" choices on a page shared between readers:
 * their memberships are their standing in spaces, which a shared page's key holds (core/cache/shared.ts), so reading
 * them is not a personal read (as spaceVisible's): readers of one standing have the same list (decision 0042).
 */
export async function readerActiveSpaces(db: CoreDb, traced: Actor): Promise<Array<{ id: string; name: string; path: string; visibility: SpaceVisibility }>> {
  const { actor } = untrace(traced)
  return actor.userId === null ? [] : activeSpacesOf(db, actor.userId)
}

/** Spaces where the person is an active member, for "post to a community" choices. */
export async function activeSpacesOf(db: CoreDb, userId: string): Promise<Array<{ id: string; name: string; path: string; visibility: SpaceVisibility }>> {
  return db
    .selectFrom('space_members')
    .innerJoin('spaces', 'spaces.id', 'space_members.space_id')
    .select(['spaces.id', 'spaces.name', 'spaces.path', 'spaces.visibility'])
    .where('space_members.user_id', '=', userId)
    .where('space_members.status', '=', 'active')
    .orderBy('spaces.name')
    .execute()
}

/** Name, path and visibility of a set of spaces, for labelling content. */
export async function spacesByIds(db: CoreDb, ids: string[]): Promise<Map<string, { name: string; path: string; visibility: SpaceVisibility }>> {
  if (ids.length === 0) return new Map()
  const rows = await db.selectFrom('spaces').select(['id', 'name', 'path', 'visibility']).where('id', 'in', [...new Set(ids)]).execute()
  return new Map(rows.map((r) => [r.id, { name: r.name, path: r.path, visibility: r.visibility }]))
}

/** Which of these spaces the actor may read, in one query (the view rule of spaces.policy.ts, in SQL). */
export async function readableSpaces(db: CoreDb, actor: Actor, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set()
  const rows = await db.selectFrom('spaces').select('spaces.id').where('spaces.id', 'in', [...new Set(ids)]).where((eb) => spaceVisible(actor, eb, 'spaces.id')).execute()
  return new Set(rows.map((r) => r.id))
}

/** How long an admin's "access as admin" to a members-only space lasts. */
export const ADMIN_ACCESS_HOURS = 2

/**
 * Opens a members-only space to a platform admin for a while, with a reason: recorded in the audit
 * log and shown to the space's hosts (adminAccessOf). The caller checks the actor is an admin.
 */
export async function grantAdminAccess(db: CoreDb, spaceId: string, adminId: string, reason: string): Promise<void> {
  const t = new Date()
  const expires = new Date(t.getTime() + ADMIN_ACCESS_HOURS * 3600_000)
  await db.insertInto('space_admin_access').values({ id: newId(), space_id: spaceId, admin_id: adminId, reason, created_at: t.toISOString(), expires_at: expires.toISOString() }).execute()
  await audit(db, { actorId: adminId, action: 'space.admin_access', subjectType: 'space', subjectId: spaceId, spaceId, reason })
}

/** The admins who opened this space, newest first: what its hosts are shown. */
export async function adminAccessOf(db: CoreDb, spaceId: string, limit = 20): Promise<Array<{ adminId: string; reason: string; createdAt: string; expiresAt: string }>> {
  const rows = await db
    .selectFrom('space_admin_access')
    .select(['admin_id', 'reason', 'created_at', 'expires_at'])
    .where('space_id', '=', spaceId)
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute()
  return rows.map((r) => ({ adminId: r.admin_id, reason: r.reason, createdAt: r.created_at, expiresAt: r.expires_at }))
}

/** The space whose page is at this path (e.g. /communities/data-in-the-open), or null. */
export async function spaceByPath(db: CoreDb, path: string): Promise<{ id: string; name: string; path: string } | null> {
  if (path.length > 200) return null
  return (await db.selectFrom('spaces').select(['id', 'name', 'path']).where('path', '=', path).executeTakeFirst()) ?? null
}
