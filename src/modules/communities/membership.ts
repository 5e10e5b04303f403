import { randomBytes } from 'node:crypto'
import { hashToken } from '../../core/auth/sessions.ts'
import type { Db } from '../../core/db/database.ts'
import { newId, now } from '../../core/db/ids.ts'
import { can } from '../../core/access/can.ts'
import type { Actor } from '../../core/access/policy.ts'
import { adminAccessOf, grantAdminAccess, setMembership } from '../../core/access/spaces.ts'
import type { MembershipStatus, SpaceRole } from '../../core/access/access.tables.ts'
import { audit } from '../../core/audit.ts'
import { AppError, forbidden, invalid, notFound } from '../../core/errors.ts'
import { notify } from '../notifications/notifications.ts'
import { accountIdForEmail, peopleByHandles, peopleByIds } from '../accounts/accounts.ts'
import { findCommunityBySlug, type Community } from './communities.queries.ts'
import { deleteInvitation, deleteOpenInvitations, findMembership, hostIds, insertInvitation, invitationByTokenHash, listMemberships, markInvitationsAccepted, openInvitationById } from './membership.queries.ts'
import { requireSignedIn, type CommunityAccess } from './communities.ts'
import { nameOf } from './people.ts'

// Who belongs to a community: joining and leaving, invitations, the hosts' actions on members,
// and a platform admin's audited "access as admin" to a trusted space.

/** The outcome of pressing "Join": joined at once, asked the hosts, or accepted an invitation. */
export type JoinOutcome = 'joined' | 'requested' | 'already'

/** Joins (open), asks to join (request) or accepts a pending invitation (any policy). */
export async function joinCommunity(db: Db, actor: Actor, access: CommunityAccess): Promise<JoinOutcome> {
  const userId = requireSignedIn(actor)
  const c = access.community
  const status = access.facts?.status ?? null
  if (status === 'banned') throw forbidden('You cannot join this community')
  if (status === 'active') return 'already'
  if (status === 'requested') return 'requested'
  if (status === 'invited') {
    await acceptInvitation(db, actor, c, null)
    return 'joined'
  }
  if (c.joinPolicy === 'open') {
    await setMembership(db, c.id, userId, 'member', 'active')
    return 'joined'
  }
  if (c.joinPolicy === 'request') {
    await setMembership(db, c.id, userId, 'member', 'requested')
    const hosts = await hostIds(db, c.id)
    const name = await nameOf(db, userId)
    await notify(db, hosts.map((h) => ({ userId: h, kind: 'join_request' as const, text: `${name} asked to join ${c.name}`, url: `/communities/${c.slug}/members`, spaceId: c.id })), userId)
    return 'requested'
  }
  throw forbidden('This community is invite only. Ask a host to invite you.')
}

/** Leaves a community (or withdraws a request). The last host cannot leave. */
export async function leaveCommunity(db: Db, actor: Actor, access: CommunityAccess): Promise<void> {
  const userId = requireSignedIn(actor)
  const c = access.community
  const m = await findMembership(db, c.id, userId)
  if (!m || m.status === 'banned' || m.status === 'removed') return
  if (m.role === 'host' && m.status === 'active') {
    const hosts = await hostIds(db, c.id)
    if (hosts.length <= 1) throw new AppError('last_host', 409, 'You are the only host. Make someone else a host before you leave.')
  }
  await setMembership(db, c.id, userId, m.role, 'removed')
}

/** The sha256 of an e-mailed invitation token: only the hash is stored, so a leaked table holds no working links. */

// ---------------------------------------------------------------- invitations

/** What the route should send after the transaction commits. */
export interface InviteResult {
  mail: { to: string; subject: string; text: string } | null
  inviteeLabel: string
}

const HANDLE = /^@?([a-z0-9][a-z0-9_-]{0,39})$/i

/**
 * Invites a person by handle (in-app) or by e-mail address (a mail with a one-time link; a person
 * who already has an account is also told in-app). Hosts only.
 */
export async function inviteMember(db: Db, actor: Actor, access: CommunityAccess, invitee: string, baseUrl: string): Promise<InviteResult> {
  if (!access.isHost) throw forbidden()
  const hostId = requireSignedIn(actor)
  const c = access.community
  const value = invitee.trim()
  const t = now()
  const hostName = await nameOf(db, hostId)
  const isEmail = value.includes('@') && !value.startsWith('@')
  if (!isEmail) {
    const m = HANDLE.exec(value)
    if (!m) throw invalid({ invitee: 'Enter a handle like @sam-adeyemi or an email address like name@example.org' })
    const handle = m[1]!.toLowerCase()
    const person = (await peopleByHandles(db, [handle])).get(handle)
    if (!person) throw invalid({ invitee: `There is no one with the handle @${handle}` })
    await invitePerson(db, c, person.id, hostId, hostName, null, t)
    return { mail: null, inviteeLabel: `${person.name} (@${person.handle})` }
  }
  const email = value.toLowerCase()
  if (email.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw invalid({ invitee: 'Enter an email address in the correct format, like name@example.org' })
  const personId = await accountIdForEmail(db, email)
  const token = randomBytes(24).toString('base64url')
  if (personId) await invitePerson(db, c, personId, hostId, hostName, hashToken(token), t, email)
  else await insertInvitation(db, { id: newId(), space_id: c.id, email, user_id: null, invited_by: hostId, token_hash: hashToken(token), created_at: t, accepted_at: null })
  const link = `${baseUrl}/communities/${c.slug}/invitation?token=${token}`
  return {
    inviteeLabel: email,
    mail: {
      to: email,
      subject: `${hostName} invited you to join ${c.name} on Openly`,
      text: `${hostName} invited you to join the community "${c.name}" on Openly.\n\nTo accept, open this link (you will be asked to sign in or create an account first):\n${link}\n\nIf you were not expecting this invitation, you can ignore this email.`,
    },
  }
}

async function invitePerson(db: Db, c: Community, userId: string, hostId: string, hostName: string, tokenHash: string | null, t: string, email: string | null = null): Promise<void> {
  const m = await findMembership(db, c.id, userId)
  if (m?.status === 'active') throw invalid({ invitee: 'That person is already a member' })
  // An invitation from a host also lifts an earlier ban or removal: it is a deliberate act.
  await setMembership(db, c.id, userId, m?.role ?? 'member', m?.status === 'requested' ? 'active' : 'invited')
  await insertInvitation(db, { id: newId(), space_id: c.id, email, user_id: userId, invited_by: hostId, token_hash: tokenHash, created_at: t, accepted_at: m?.status === 'requested' ? t : null })
  // spaceId null: the invitee cannot see a private space yet, but must see the invitation.
  await notify(db, [{ userId, kind: 'invite', text: `${hostName} invited you to join ${c.name}`, url: `/communities/${c.slug}/invitation`, spaceId: null }], hostId)
}

/** How long an e-mailed invitation stays valid (INVITATION_DAYS), and who may use it. */
export interface InvitationRules {
  days: number
}

const sentSince = (rules: InvitationRules) => new Date(Date.now() - rules.days * 86_400_000).toISOString()

/** The live invitation a token opens, or null (unknown, used or expired). */
function invitationOf(db: Db, c: Community, token: string | null, rules: InvitationRules | undefined) {
  return token && rules && token.length <= 100 ? invitationByTokenHash(db, c.id, hashToken(token), sentSince(rules)) : Promise.resolve(null)
}

/**
 * An e-mailed invitation is for the person it was sent to, not for whoever holds the link (a forwarded or leaked
 * mail): the account it was sent to, or the account that has that address now.
 */
async function isFor(db: Db, invitation: { email: string | null; user_id: string | null }, userId: string): Promise<boolean> {
  if (invitation.user_id) return invitation.user_id === userId
  return invitation.email !== null && (await accountIdForEmail(db, invitation.email)) === userId
}

/** Finds a community for its invitation page: visible to invitees even when private. `elsewhere`: the link was sent to someone else. */
export async function loadInvitation(db: Db, actor: Actor, slug: string, token: string | null, rules: InvitationRules): Promise<{ community: Community; valid: boolean; elsewhere?: boolean }> {
  const community = await findCommunityBySlug(db, slug)
  if (!community) throw notFound()
  const invitation = await invitationOf(db, community, token, rules)
  if (invitation) return actor.userId && (await isFor(db, invitation, actor.userId)) ? { community, valid: true } : { community, valid: false, elsewhere: true }
  if (actor.userId) {
    const m = await findMembership(db, community.id, actor.userId)
    if (m?.status === 'invited') return { community, valid: true }
  }
  // Neither a token nor a pending invitation: behave as for any space the reader may not see.
  if (!(await can(db, actor, 'view', 'space', { id: community.id }))) throw notFound()
  return { community, valid: false }
}

/** Accepts an invitation: by one-time e-mail token, or a pending invitation by handle. */
export async function acceptInvitation(db: Db, actor: Actor, c: Community, token: string | null, rules?: InvitationRules): Promise<void> {
  const userId = requireSignedIn(actor)
  const m = await findMembership(db, c.id, userId)
  if (m?.status === 'active') return
  const invitation = await invitationOf(db, c, token, rules)
  if (!invitation && m?.status !== 'invited') throw new AppError('invitation_invalid', 410, 'This invitation has already been used, has expired or is no longer valid.')
  if (invitation && !(await isFor(db, invitation, userId))) throw forbidden('This invitation was sent to another email address. Sign in with the account for that address, or ask a host to invite you.')
  if (invitation && m?.status === 'banned') throw forbidden('You cannot join this community')
  await setMembership(db, c.id, userId, m?.role ?? 'member', 'active')
  const t = now()
  await markInvitationsAccepted(db, c.id, userId, invitation?.id ?? null, t)
}

/** A host cancels an open invitation: its link stops working, and a person invited in-app is no longer invited. */
export async function cancelInvitation(db: Db, actor: Actor, access: CommunityAccess, invitationId: string): Promise<void> {
  if (!access.isHost) throw forbidden()
  const c = access.community
  const invitation = await openInvitationById(db, c.id, invitationId)
  if (!invitation) throw notFound()
  await deleteInvitation(db, invitation.id)
  if (!invitation.user_id) return
  const m = await findMembership(db, c.id, invitation.user_id)
  if (m?.status === 'invited') {
    await setMembership(db, c.id, invitation.user_id, m.role, 'removed')
    await deleteOpenInvitations(db, c.id, invitation.user_id)
  }
}

/** Declines a pending invitation by handle. */
export async function declineInvitation(db: Db, actor: Actor, c: Community): Promise<void> {
  const userId = requireSignedIn(actor)
  const m = await findMembership(db, c.id, userId)
  if (m?.status !== 'invited') return
  await setMembership(db, c.id, userId, m.role, 'removed')
  await deleteOpenInvitations(db, c.id, userId)
}

// ---------------------------------------------------------------- members

/** A host's action on one member: approve/decline a request, change role, remove, ban, unban. */
export async function memberAction(db: Db, actor: Actor, access: CommunityAccess, userId: string, action: string, role: string): Promise<string> {
  if (!access.isHost) throw forbidden()
  const c = access.community
  const m = await findMembership(db, c.id, userId)
  if (!m) throw notFound('Member')
  const person = (await peopleByIds(db, [userId])).get(userId)
  const name = person?.name ?? 'The member'
  const lastHost = async () => m.role === 'host' && m.status === 'active' && (await hostIds(db, c.id)).length <= 1
  switch (action) {
    case 'approve':
      if (m.status !== 'requested') throw new AppError('not_requested', 409, `${name} has not asked to join`)
      await setMembership(db, c.id, userId, 'member', 'active')
      await notify(db, [{ userId, kind: 'join_outcome', text: `Your request to join ${c.name} was approved`, url: `/communities/${c.slug}`, spaceId: c.id }], actor.userId)
      return `${name} is now a member`
    case 'decline':
      if (m.status !== 'requested') throw new AppError('not_requested', 409, `${name} has not asked to join`)
      await setMembership(db, c.id, userId, 'member', 'removed')
      await notify(db, [{ userId, kind: 'join_outcome', text: `Your request to join ${c.name} was declined`, url: '/communities', spaceId: null }], actor.userId)
      return `You declined ${name}’s request`
    case 'role': {
      if (m.status !== 'active') throw new AppError('not_member', 409, `${name} is not an active member`)
      if (!['host', 'moderator', 'member'].includes(role)) throw invalid({ role: 'Select a role' })
      if (role !== 'host' && (await lastHost())) throw new AppError('last_host', 409, 'A community needs at least one host. Make someone else a host first.')
      await setMembership(db, c.id, userId, role as SpaceRole, 'active')
      await audit(db, { actorId: actor.userId, action: 'member.role', subjectType: 'user', subjectId: userId, spaceId: c.id, reason: `${m.role} → ${role}` })
      return `${name} is now a ${role}`
    }
    case 'remove':
    case 'ban':
      if (await lastHost()) throw new AppError('last_host', 409, 'A community needs at least one host. Make someone else a host first.')
      await setMembership(db, c.id, userId, 'member', action === 'ban' ? 'banned' : 'removed')
      await audit(db, { actorId: actor.userId, action: `member.${action}`, subjectType: 'user', subjectId: userId, spaceId: c.id })
      return action === 'ban' ? `${name} is banned from ${c.name}` : `${name} was removed from ${c.name}`
    case 'unban':
      if (m.status !== 'banned') throw new AppError('not_banned', 409, `${name} is not banned`)
      await setMembership(db, c.id, userId, 'member', 'removed')
      await audit(db, { actorId: actor.userId, action: 'member.unban', subjectType: 'user', subjectId: userId, spaceId: c.id })
      return `${name} is no longer banned`
  }
  throw invalid({ action: 'Select an action' })
}

/** A member with their name and handle (from accounts), linkable only when their profile is public. */
export interface Member {
  userId: string
  handle: string
  name: string
  public: boolean
  role: SpaceRole
  status: MembershipStatus
  since: string
}

const ROLE_ORDER: Record<SpaceRole, number> = { host: 0, moderator: 1, member: 2 }

/** Members of a community with the given statuses, hosts first, then by name. */
export async function membersOf(db: Db, spaceId: string, statuses: Member['status'][], limit = 500): Promise<Member[]> {
  const memberships = await listMemberships(db, spaceId, statuses, limit)
  const people = await peopleByIds(db, memberships.map((m) => m.userId))
  return memberships
    .flatMap((m) => {
      const p = people.get(m.userId)
      return p ? [{ ...m, handle: p.handle, name: p.name, public: p.public }] : []
    })
    .sort((a, b) => ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || a.name.localeCompare(b.name))
}

// ---------------------------------------------------------------- access as admin

/** A platform admin opens a community for a while, with a reason; its hosts are told, and see it on the members page. */
export async function openAsAdmin(db: Db, actor: Actor, c: Community, reason: string): Promise<void> {
  if (!actor.isAdmin || !actor.userId) throw forbidden()
  await grantAdminAccess(db, c.id, actor.userId, reason)
  const admin = await nameOf(db, actor.userId)
  const hosts = await hostIds(db, c.id)
  await notify(db, hosts.map((userId) => ({ userId, kind: 'moderation' as const, text: `${admin}, a platform admin, opened ${c.name} as an admin: ${reason}`, url: `/communities/${c.slug}/members#admin-access`, spaceId: c.id })), actor.userId)
}

/** Who opened this community as an admin, when and why (for its hosts). */
export async function adminAccessLog(db: Db, spaceId: string): Promise<Array<{ name: string; reason: string; createdAt: string; expiresAt: string }>> {
  const rows = await adminAccessOf(db, spaceId)
  const people = await peopleByIds(db, rows.map((r) => r.adminId))
  return rows.map((r) => ({ name: people.get(r.adminId)?.name ?? 'A former admin', reason: r.reason, createdAt: r.createdAt, expiresAt: r.expiresAt }))
}
