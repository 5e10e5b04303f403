import type { Executor } from '../db/database.ts'
import { newId, now } from '../db/ids.ts'
import type { SpaceRole, SpaceVisibility, MembershipStatus } from './access.tables.ts'

/** Creates a space (a community, later events and challenges) and returns its id. */
export async function createSpace(db: Executor, input: { kind: string; visibility: SpaceVisibility; name: string; path: string; id?: string }): Promise<string> {
  const id = input.id ?? newId()
  await db.insertInto('spaces').values({ id, kind: input.kind, visibility: input.visibility, name: input.name, path: input.path, created_at: now() }).execute()
  return id
}

export async function updateSpace(db: Executor, id: string, changes: { visibility?: SpaceVisibility; name?: string; path?: string }): Promise<void> {
  await db.updateTable('spaces').set(changes).where('id', '=', id).execute()
}

/** Adds or changes a membership (status: active, invited, requested, banned, removed). */
export async function setMembership(db: Executor, spaceId: string, userId: string, role: SpaceRole, status: MembershipStatus): Promise<void> {
  const t = now()
  await db
    .insertInto('space_members')
    .values({ space_id: spaceId, user_id: userId, role, status, created_at: t, updated_at: t })
    .onConflict((oc) => oc.columns(['space_id', 'user_id']).doUpdateSet({ role, status, updated_at: t }))
    .execute()
}

/** Spaces where the person is an active member, for "post to a community" choices. */
export async function activeSpacesOf(db: Executor, userId: string): Promise<Array<{ id: string; name: string; path: string; visibility: SpaceVisibility }>> {
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
export async function spacesByIds(db: Executor, ids: string[]): Promise<Map<string, { name: string; path: string; visibility: SpaceVisibility }>> {
  if (ids.length === 0) return new Map()
  const rows = await db.selectFrom('spaces').select(['id', 'name', 'path', 'visibility']).where('id', 'in', [...new Set(ids)]).execute()
  return new Map(rows.map((r) => [r.id, { name: r.name, path: r.path, visibility: r.visibility }]))
}
