import type { SpaceRole, MembershipStatus, SpaceVisibility } from '../../core/access/access.tables.ts'
import type { CommunitiesDb, InvitationsTable } from './communities.tables.ts'

// Membership lives in the core's space_members (a community is a space); invitations are this module's own.

/** One person's membership of a space. */
export interface Membership {
  userId: string
  role: SpaceRole
  status: MembershipStatus
  since: string
}

/** Memberships of a space with the given statuses (accounts labels the people). */
export async function listMemberships(db: CommunitiesDb, spaceId: string, statuses: MembershipStatus[], limit = 500): Promise<Membership[]> {
  const rows = await db
    .selectFrom('space_members')
    .select(['user_id', 'role', 'status', 'updated_at'])
    .where('space_id', '=', spaceId)
    .where('status', 'in', statuses)
    .limit(limit)
    .execute()
  return rows.map((r) => ({ userId: r.user_id, role: r.role, status: r.status, since: r.updated_at }))
}

/** The memberships of these people in a space, for deciding who may read it. */
export async function membershipsAmong(db: CommunitiesDb, spaceId: string, userIds: string[]): Promise<Map<string, { role: SpaceRole; status: MembershipStatus }>> {
  if (userIds.length === 0) return new Map()
  const rows = await db.selectFrom('space_members').select(['user_id', 'role', 'status']).where('space_id', '=', spaceId).where('user_id', 'in', userIds).execute()
  return new Map(rows.map((r) => [r.user_id, { role: r.role, status: r.status }]))
}

/** One membership row, or null. */
export async function findMembership(db: CommunitiesDb, spaceId: string, userId: string): Promise<{ role: SpaceRole; status: MembershipStatus } | null> {
  const row = await db.selectFrom('space_members').select(['role', 'status']).where('space_id', '=', spaceId).where('user_id', '=', userId).executeTakeFirst()
  return row ?? null
}

/** Ids of the active hosts of a space. */
export async function hostIds(db: CommunitiesDb, spaceId: string): Promise<string[]> {
  const rows = await db.selectFrom('space_members').select('user_id').where('space_id', '=', spaceId).where('role', '=', 'host').where('status', '=', 'active').execute()
  return rows.map((r) => r.user_id)
}
/** A space's visibility, or null when there is no such space. */
export async function spaceVisibility(db: CommunitiesDb, spaceId: string): Promise<SpaceVisibility | null> {
  const space = await db.selectFrom('spaces').select('visibility').where('id', '=', spaceId).executeTakeFirst()
  return space?.visibility ?? null
}

/** An open (not yet accepted) invitation by its token hash, if it was sent at or after `sentSince` (older ones have expired). */
export async function invitationByTokenHash(db: CommunitiesDb, spaceId: string, tokenHash: string, sentSince: string): Promise<{ id: string; email: string | null; user_id: string | null } | null> {
  return (
    (await db
      .selectFrom('invitations')
      .select(['id', 'email', 'user_id'])
      .where('space_id', '=', spaceId)
      .where('token_hash', '=', tokenHash)
      .where('accepted_at', 'is', null)
      .where('created_at', '>=', sentSince)
      .executeTakeFirst()) ?? null
  )
}

/** Open invitations of a space (for the members page). */
export async function openInvitations(db: CommunitiesDb, spaceId: string): Promise<Array<{ id: string; email: string | null; userId: string | null; createdAt: string }>> {
  const rows = await db
    .selectFrom('invitations')
    .select(['id', 'email', 'user_id', 'created_at'])
    .where('space_id', '=', spaceId)
    .where('accepted_at', 'is', null)
    .orderBy('created_at', 'desc')
    .limit(200)
    .execute()
  return rows.map((r) => ({ id: r.id, email: r.email, userId: r.user_id, createdAt: r.created_at }))
}
/** Records an invitation (by handle: user_id; by e-mail: email and the token's hash). */
export async function insertInvitation(db: CommunitiesDb, row: InvitationsTable): Promise<void> {
  await db.insertInto('invitations').values(row).execute()
}

/** Marks as accepted the person's open invitations to a space, and the e-mailed one they followed (if any). */
export async function markInvitationsAccepted(db: CommunitiesDb, spaceId: string, userId: string, followedInvitationId: string | null, t: string): Promise<void> {
  await db
    .updateTable('invitations')
    .set({ accepted_at: t, user_id: userId })
    .where('space_id', '=', spaceId)
    .where('accepted_at', 'is', null)
    .where((eb) => (followedInvitationId ? eb.or([eb('id', '=', followedInvitationId), eb('user_id', '=', userId)]) : eb('user_id', '=', userId)))
    .execute()
}

/** An open invitation of a space by id (for a host cancelling it). */
export async function openInvitationById(db: CommunitiesDb, spaceId: string, id: string): Promise<{ id: string; user_id: string | null } | null> {
  return (await db.selectFrom('invitations').select(['id', 'user_id']).where('space_id', '=', spaceId).where('id', '=', id).where('accepted_at', 'is', null).executeTakeFirst()) ?? null
}

/** Deletes one invitation. */
export async function deleteInvitation(db: CommunitiesDb, id: string): Promise<void> {
  await db.deleteFrom('invitations').where('id', '=', id).execute()
}

/** Deletes the person's open invitations to a space (they declined). */
export async function deleteOpenInvitations(db: CommunitiesDb, spaceId: string, userId: string): Promise<void> {
  await db.deleteFrom('invitations').where('space_id', '=', spaceId).where('user_id', '=', userId).where('accepted_at', 'is', null).execute()
}
