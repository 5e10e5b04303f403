import { createHash, randomBytes } from 'node:crypto'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { fileTypeFromBuffer } from 'file-type'
import type { Db } from '../../core/db/database.ts'
import { newId, now, slugify } from '../../core/db/ids.ts'
import { can, spaceFacts, type SpaceFacts } from '../../core/access/can.ts'
import type { Actor } from '../../core/access/policy.ts'
import { moderateSpace, participateInSpace, viewSpace } from '../../core/access/spaces.policy.ts'
import { adminAccessOf, createSpace, grantAdminAccess, setMembership, updateSpace } from '../../core/access/spaces.ts'
import type { MembershipStatus, SpaceRole, SpaceVisibility } from '../../core/access/access.tables.ts'
import { audit } from '../../core/audit.ts'
import { AppError, forbidden, invalid, notFound } from '../../core/errors.ts'
import { renderMarkdown, markdownToText } from '../../core/markdown/markdown.ts'
import { indexDocument, removeDocument, removeDocuments } from '../../core/search/search.ts'
import { notify, type NotificationInput } from '../notifications/notifications.ts'
import { accountIdForEmail, peopleByHandles, peopleByIds } from '../accounts/accounts.ts'
import { findCommunityBySlug, insertCommunity, slugsLike, touchCommunity, updateCommunityDetails, type Community } from './communities.queries.ts'
import {
  deleteOpenInvitations,
  findMembership,
  hostIds,
  insertInvitation,
  invitationByTokenHash,
  listMemberships,
  markInvitationsAccepted,
  membershipsAmong,
  spaceVisibility,
} from './membership.queries.ts'
import {
  allRepliesOf,
  insertReply,
  insertRevision,
  insertThread,
  nextReplyPosition,
  replyBySubmission,
  replyIdInThread,
  threadBySubmission,
  updateReplyText,
  updateThreadFlag,
  updateThreadText,
  type Reply,
  type Thread,
} from './discussions.queries.ts'
import { insertDocument, type LibraryDocument } from './library.queries.ts'
import type { JoinPolicy } from './communities.tables.ts'
import { threadFacts, replyFacts, documentFacts } from './communities.policy.ts'

/** Replies per thread page. */
export const REPLIES_PER_PAGE = 25

/** A community and what the actor may do there. */
export interface CommunityAccess {
  community: Community
  facts: SpaceFacts | null
  canView: boolean
  canParticipate: boolean
  canModerate: boolean
  isHost: boolean
}

/** Decides the actor's rights in a community from facts already loaded (one query). */
export function accessFor(actor: Actor, community: Community, facts: SpaceFacts | null): CommunityAccess {
  return {
    community,
    facts,
    canView: facts !== null && viewSpace(actor, facts),
    canParticipate: facts !== null && participateInSpace(actor, facts),
    canModerate: facts !== null && moderateSpace(actor, facts),
    // Settings, invitations and roles: the community's own hosts (platform admins do not manage trusted spaces).
    isHost: facts?.role === 'host' && facts.status === 'active',
  }
}

/** Loads a community the actor may see, or throws 404 (never 403: existence is not revealed). */
export async function loadCommunity(db: Db, actor: Actor, slug: string): Promise<CommunityAccess> {
  const community = await findCommunityBySlug(db, slug)
  if (!community) throw notFound()
  const facts = await spaceFacts(db, actor, community.id)
  const access = accessFor(actor, community, facts)
  if (!access.canView) throw notFound()
  return access
}

const requireSignedIn = (actor: Actor): string => {
  if (!actor.userId) throw new AppError('unauthorised', 401, 'Sign in to do that')
  return actor.userId
}

// ---------------------------------------------------------------- communities

/** Input for creating or editing a community (see communitySchema). */
export interface CommunityInput {
  name: string
  description: string
  themes: string[]
  join_policy: string
  visibility: string
}

/** A slug not yet taken: the name's slug, else with -2, -3 … (one query for all candidates). */
async function freeSlug(db: Db, name: string): Promise<string> {
  const base = slugify(name).slice(0, 50).replace(/-+$/, '') || 'community'
  const taken = await slugsLike(db, base)
  if (!taken.has(base) && !['new'].includes(base)) return base
  for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`
}

/** Creates a community (a space of kind 'community') with the creator as its host. */
export async function createCommunity(db: Db, actor: Actor, input: CommunityInput): Promise<{ id: string; slug: string }> {
  const userId = requireSignedIn(actor)
  const slug = await freeSlug(db, input.name)
  const id = await createSpace(db, { kind: 'community', visibility: input.visibility as SpaceVisibility, name: input.name, path: `/communities/${slug}` })
  const t = now()
  await insertCommunity(db, { id, slug, name: input.name, description: input.description, themes: input.themes.join(', '), join_policy: input.join_policy as JoinPolicy, created_by: userId, created_at: t, updated_at: t, last_activity_at: t })
  await setMembership(db, id, userId, 'host', 'active')
  await indexCommunity(db, { id, slug, name: input.name, description: input.description, themes: input.themes, createdAt: t })
  return { id, slug }
}

/** Writes a community to the search index, in its own space so search follows its visibility. */
export async function indexCommunity(db: Db, c: { id: string; slug: string; name: string; description: string; themes: string[]; createdAt: string }): Promise<void> {
  await indexDocument(db, { type: 'community', id: c.id, title: c.name, body: [c.description, c.themes.join(', ')].filter(Boolean).join('\n\n'), url: `/communities/${c.slug}`, spaceId: c.id, visibleFrom: c.createdAt })
}

/** Changes a community's details, join policy and visibility (hosts). Visibility lives on the space, so it applies everywhere at once. */
export async function updateCommunity(db: Db, actor: Actor, access: CommunityAccess, input: CommunityInput): Promise<void> {
  if (!access.isHost) throw forbidden()
  const c = access.community
  await updateCommunityDetails(db, c.id, { name: input.name, description: input.description, themes: input.themes.join(', '), join_policy: input.join_policy as JoinPolicy, updated_at: now() })
  await updateSpace(db, c.id, { name: input.name, visibility: input.visibility as SpaceVisibility })
  await indexCommunity(db, { id: c.id, slug: c.slug, name: input.name, description: input.description, themes: input.themes, createdAt: c.createdAt })
  if (input.visibility !== c.visibility) {
    await audit(db, { actorId: actor.userId, action: 'community.visibility', subjectType: 'community', subjectId: c.id, spaceId: c.id, reason: `${c.visibility} → ${input.visibility}` })
  }
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

/** Notifies only those who may read the space. */
async function notifyReaders(db: Db, spaceId: string, items: NotificationInput[], actorId: string): Promise<void> {
  const readers = await readersAmong(db, spaceId, items.map((i) => i.userId))
  await notify(db, items.filter((i) => readers.has(i.userId)), actorId)
}

async function nameOf(db: Db, userId: string): Promise<string> {
  return (await peopleByIds(db, [userId])).get(userId)?.name ?? 'Someone'
}

// ---------------------------------------------------------------- membership

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

export const hashToken = (token: string) => createHash('sha256').update(token).digest('base64url')

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

/** Finds a community for its invitation page: visible to invitees even when private. */
export async function loadInvitation(db: Db, actor: Actor, slug: string, token: string | null): Promise<{ community: Community; valid: boolean }> {
  const community = await findCommunityBySlug(db, slug)
  if (!community) throw notFound()
  if (token && token.length <= 100 && (await invitationByTokenHash(db, community.id, hashToken(token)))) return { community, valid: true }
  if (actor.userId) {
    const m = await findMembership(db, community.id, actor.userId)
    if (m?.status === 'invited') return { community, valid: true }
  }
  // Neither a token nor a pending invitation: behave as for any space the reader may not see.
  if (!(await can(db, actor, 'view', 'space', { id: community.id }))) throw notFound()
  return { community, valid: false }
}

/** Accepts an invitation: by one-time e-mail token, or a pending invitation by handle. */
export async function acceptInvitation(db: Db, actor: Actor, c: Community, token: string | null): Promise<void> {
  const userId = requireSignedIn(actor)
  const m = await findMembership(db, c.id, userId)
  if (m?.status === 'active') return
  const invitation = token ? await invitationByTokenHash(db, c.id, hashToken(token)) : null
  if (!invitation && m?.status !== 'invited') throw new AppError('invitation_invalid', 410, 'This invitation has already been used or is no longer valid.')
  if (invitation && m?.status === 'banned') throw forbidden('You cannot join this community')
  await setMembership(db, c.id, userId, m?.role ?? 'member', 'active')
  const t = now()
  await markInvitationsAccepted(db, c.id, userId, invitation?.id ?? null, t)
}

/** Declines a pending invitation by handle. */
export async function declineInvitation(db: Db, actor: Actor, c: Community): Promise<void> {
  const userId = requireSignedIn(actor)
  const m = await findMembership(db, c.id, userId)
  if (m?.status !== 'invited') return
  await setMembership(db, c.id, userId, m.role, 'removed')
  await deleteOpenInvitations(db, c.id, userId)
}

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

// ---------------------------------------------------------------- mentions

const MENTION = /(^|[^\p{L}\p{N}_@/.-])@([a-z0-9][a-z0-9_-]{0,39})/giu

/** Handles mentioned in Markdown, outside code and quoted lines (quotes repeat someone else's words). */
export function extractMentions(markdown: string): string[] {
  const text = markdown
    .replace(/```[\s\S]*?(```|$)/g, ' ')
    .replace(/`[^`\n]*`/g, ' ')
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('>'))
    .join('\n')
  const found = new Set<string>()
  for (const m of text.matchAll(MENTION)) found.add(m[2]!.toLowerCase().replace(/[-_]+$/, ''))
  return [...found].slice(0, 50)
}

/** Links @handle of known people in rendered HTML, outside links and code. */
export function linkMentions(html: string, known: Set<string>): string {
  if (known.size === 0) return html
  let skip = 0
  return html
    .split(/(<[^>]+>)/)
    .map((part) => {
      if (part.startsWith('<')) {
        if (/^<(a|code|pre)[\s>]/i.test(part)) skip++
        else if (/^<\/(a|code|pre)>/i.test(part)) skip = Math.max(0, skip - 1)
        return part
      }
      if (skip > 0) return part
      return part.replace(MENTION, (all, pre: string, handle: string) => {
        const h = handle.toLowerCase().replace(/[-_]+$/, '')
        if (!known.has(h)) return all
        const rest = handle.slice(h.length)
        return `${pre}<a class="govuk-link" href="/people/${h}">@${h}</a>${rest}`
      })
    })
    .join('')
}

/**
 * Renders a body and resolves its mentions. Unknown handles are a field error on `field`,
 * so the form comes back with the text kept.
 */
export async function renderBody(db: Db, body: string, field: string): Promise<{ html: string; mentioned: Array<{ id: string; handle: string }> }> {
  const handles = extractMentions(body)
  const quotedHandles = [...body.matchAll(MENTION)].map((m) => m[2]!.toLowerCase().replace(/[-_]+$/, ''))
  const people = [...(await peopleByHandles(db, [...new Set([...handles, ...quotedHandles])])).values()]
  const known = new Set(people.map((p) => p.handle.toLowerCase()))
  const unknown = handles.filter((h) => !known.has(h))
  if (unknown.length) throw invalid({ [field]: unknown.length === 1 ? `There is no one with the handle @${unknown[0]}` : `There is no one with the handles ${unknown.map((h) => '@' + h).join(', ')}` })
  const mentionedSet = new Set(handles)
  return { html: linkMentions(renderMarkdown(body), known), mentioned: people.filter((p) => mentionedSet.has(p.handle.toLowerCase())).map((p) => ({ id: p.id, handle: p.handle })) }
}

// ---------------------------------------------------------------- threads and replies

export const threadPath = (slug: string, threadId: string) => `/communities/${slug}/threads/${threadId}`
export const replyPath = (slug: string, threadId: string, replyId: string) => `/communities/${slug}/threads/${threadId}/replies/${replyId}`

/** Writes a thread to the search index (or removes it while hidden), with the community's space so search follows its visibility. */
export async function indexThread(db: Db, slug: string, t: { id: string; spaceId: string; title: string; body: string; createdAt: string; hiddenAt: string | null }): Promise<void> {
  if (t.hiddenAt) return removeDocument(db, 'thread', t.id)
  await indexDocument(db, { type: 'thread', id: t.id, title: t.title, body: markdownToText(t.body), url: threadPath(slug, t.id), spaceId: t.spaceId, visibleFrom: t.createdAt })
}

/** Writes a reply to the search index (or removes it while hidden). */
export async function indexReply(db: Db, slug: string, threadTitle: string, r: { id: string; threadId: string; spaceId: string; body: string; createdAt: string; hiddenAt: string | null }): Promise<void> {
  if (r.hiddenAt) return removeDocument(db, 'reply', r.id)
  await indexDocument(db, { type: 'reply', id: r.id, title: `Re: ${threadTitle}`, body: markdownToText(r.body), url: replyPath(slug, r.threadId, r.id), spaceId: r.spaceId, visibleFrom: r.createdAt })
}

/** Re-indexes every reply of a thread after the thread was hidden (all leave search) or restored (visible ones return). */
export async function indexThreadReplies(db: Db, slug: string, thread: { id: string; title: string; hiddenAt: string | null }): Promise<void> {
  const replies = await allRepliesOf(db, thread.id)
  if (thread.hiddenAt) return removeDocuments(db, 'reply', replies.map((r) => r.id))
  for (const r of replies) await indexReply(db, slug, thread.title, r)
}

/** Input for a new thread (see threadSchema). */
export interface ThreadInput {
  title: string
  body: string
  submission_id: string
}

/** Starts a thread (active members). A repeated form key returns the thread already made. */
export async function createThread(db: Db, actor: Actor, access: CommunityAccess, input: ThreadInput): Promise<{ id: string; duplicate: boolean }> {
  const userId = requireSignedIn(actor)
  if (!access.canParticipate) throw forbidden('Join this community to start a discussion')
  const c = access.community
  if (input.submission_id) {
    const existing = await threadBySubmission(db, input.submission_id)
    if (existing) return { id: existing.id, duplicate: true }
  }
  const { html, mentioned } = await renderBody(db, input.body, 'body')
  const t = now()
  const id = newId()
  await insertThread(db, { id, space_id: c.id, title: input.title, body: input.body, body_html: html, author_id: userId, pinned: 0, locked: 0, hidden_at: null, reply_count: 0, last_activity_at: t, edited_at: null, created_at: t, submission_id: input.submission_id || null })
  await indexThread(db, c.slug, { id, spaceId: c.id, title: input.title, body: input.body, createdAt: t, hiddenAt: null })
  await touchCommunity(db, c.id, t)
  const name = await nameOf(db, userId)
  await notifyReaders(db, c.id, mentioned.map((p) => ({ userId: p.id, kind: 'mention' as const, text: `${name} mentioned you in “${input.title}”`, url: threadPath(c.slug, id), spaceId: c.id })), userId)
  return { id, duplicate: false }
}

/** Input for a reply (see replySchema). */
export interface ReplyInput {
  body: string
  quote_reply_id: string
  submission_id: string
}

/** Replies to a thread: refused when locked; notifies the thread's author and anyone mentioned. */
export async function createReply(db: Db, actor: Actor, access: CommunityAccess, thread: Thread, input: ReplyInput): Promise<{ id: string; position: number; duplicate: boolean }> {
  const userId = requireSignedIn(actor)
  const c = access.community
  if (!access.canParticipate) throw forbidden('Join this community to reply')
  if (thread.locked) throw new AppError('locked', 409, 'This thread is locked', { body: 'This thread is locked. You can no longer reply to it.' })
  if (input.submission_id) {
    const existing = await replyBySubmission(db, input.submission_id)
    if (existing) return { id: existing.id, position: Number(existing.position), duplicate: true }
  }
  const quoteId = input.quote_reply_id ? await replyIdInThread(db, thread.id, input.quote_reply_id) : null
  const { html, mentioned } = await renderBody(db, input.body, 'body')
  const t = now()
  const position = await nextReplyPosition(db, thread.id, t)
  const id = newId()
  await insertReply(db, { id, thread_id: thread.id, space_id: c.id, body: input.body, body_html: html, author_id: userId, quote_reply_id: quoteId, hidden_at: null, edited_at: null, created_at: t, position, submission_id: input.submission_id || null })
  await indexReply(db, c.slug, thread.title, { id, threadId: thread.id, spaceId: c.id, body: input.body, createdAt: t, hiddenAt: null })
  await touchCommunity(db, c.id, t)
  const name = await nameOf(db, userId)
  const url = replyPath(c.slug, thread.id, id)
  const mentionedIds = new Set(mentioned.map((p) => p.id))
  const items: NotificationInput[] = mentioned.map((p) => ({ userId: p.id, kind: 'mention', text: `${name} mentioned you in “${thread.title}”`, url, spaceId: c.id }))
  if (!mentionedIds.has(thread.authorId)) items.push({ userId: thread.authorId, kind: 'reply', text: `${name} replied to “${thread.title}”`, url, spaceId: c.id })
  await notifyReaders(db, c.id, items, userId)
  return { id, position, duplicate: false }
}

/** Edits a thread (its author, or an admin), keeping the previous version in the history. */
export async function editThread(db: Db, actor: Actor, access: CommunityAccess, thread: Thread, input: { title: string; body: string }): Promise<void> {
  const userId = requireSignedIn(actor)
  if (!(await can(db, actor, 'edit', 'thread', threadFacts(thread)))) throw forbidden('You can only edit your own messages')
  if (thread.title === input.title && thread.body === input.body) return
  const before = new Set(extractMentions(thread.body))
  const { html, mentioned } = await renderBody(db, input.body, 'body')
  const t = now()
  await insertRevision(db, { id: newId(), subject_type: 'thread', subject_id: thread.id, title: thread.title, body: thread.body, edited_by: userId, created_at: t })
  await updateThreadText(db, thread.id, { title: input.title, body: input.body, body_html: html, edited_at: t })
  await indexThread(db, access.community.slug, { ...thread, title: input.title, body: input.body })
  const name = await nameOf(db, userId)
  const added = mentioned.filter((p) => !before.has(p.handle.toLowerCase()))
  await notifyReaders(db, thread.spaceId, added.map((p) => ({ userId: p.id, kind: 'mention' as const, text: `${name} mentioned you in “${input.title}”`, url: threadPath(access.community.slug, thread.id), spaceId: thread.spaceId })), userId)
}

/** Edits a reply (its author, or an admin), keeping the previous version in the history. */
export async function editReply(db: Db, actor: Actor, access: CommunityAccess, thread: Thread, reply: Reply, input: { body: string }): Promise<void> {
  const userId = requireSignedIn(actor)
  if (!(await can(db, actor, 'edit', 'reply', replyFacts(reply, thread)))) throw forbidden('You can only edit your own messages')
  if (reply.body === input.body) return
  const before = new Set(extractMentions(reply.body))
  const { html, mentioned } = await renderBody(db, input.body, 'body')
  const t = now()
  await insertRevision(db, { id: newId(), subject_type: 'reply', subject_id: reply.id, title: null, body: reply.body, edited_by: userId, created_at: t })
  await updateReplyText(db, reply.id, { body: input.body, body_html: html, edited_at: t })
  await indexReply(db, access.community.slug, thread.title, { ...reply, body: input.body })
  const name = await nameOf(db, userId)
  const added = mentioned.filter((p) => !before.has(p.handle.toLowerCase()))
  await notifyReaders(db, thread.spaceId, added.map((p) => ({ userId: p.id, kind: 'mention' as const, text: `${name} mentioned you in “${thread.title}”`, url: replyPath(access.community.slug, thread.id, reply.id), spaceId: thread.spaceId })), userId)
}

/** Pins/unpins or locks/unlocks a thread (hosts and moderators); written to the audit log. */
export async function setThreadFlag(db: Db, actor: Actor, access: CommunityAccess, thread: Thread, flag: 'pinned' | 'locked', on: boolean): Promise<void> {
  if (!access.canModerate) throw forbidden()
  await updateThreadFlag(db, thread.id, flag, on)
  const action = flag === 'pinned' ? (on ? 'thread.pin' : 'thread.unpin') : on ? 'thread.lock' : 'thread.unlock'
  await audit(db, { actorId: actor.userId, action, subjectType: 'thread', subjectId: thread.id, spaceId: thread.spaceId })
}

/** Whether the actor may see one thread (hidden threads only to their author, the space's moderators and admins). */
export async function canSeeThread(db: Db, actor: Actor, thread: Thread): Promise<boolean> {
  return can(db, actor, 'view', 'thread', threadFacts(thread))
}

// ---------------------------------------------------------------- library

/** Adds a link to the library (active members). */
export async function addLink(db: Db, actor: Actor, access: CommunityAccess, input: { title: string; url: string; description: string }): Promise<string> {
  const userId = requireSignedIn(actor)
  if (!access.canParticipate) throw forbidden('Join this community to add to its library')
  const id = newId()
  const t = now()
  await insertDocument(db, { id, space_id: access.community.id, kind: 'link', title: input.title, description: input.description, url: input.url, file_name: null, mime_type: null, size_bytes: null, storage_key: null, author_id: userId, hidden_at: null, created_at: t })
  await touchCommunity(db, access.community.id, t)
  return id
}

/** File types the library accepts, as file-type detects them from content, with the extensions each may carry. */
export const ACCEPTED_TYPES: Record<string, { mime: string; extensions: string[]; label: string }> = {
  pdf: { mime: 'application/pdf', extensions: ['pdf'], label: 'PDF' },
  png: { mime: 'image/png', extensions: ['png'], label: 'PNG image' },
  jpg: { mime: 'image/jpeg', extensions: ['jpg', 'jpeg'], label: 'JPEG image' },
  gif: { mime: 'image/gif', extensions: ['gif'], label: 'GIF image' },
  webp: { mime: 'image/webp', extensions: ['webp'], label: 'WebP image' },
  docx: { mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', extensions: ['docx'], label: 'Word document' },
  xlsx: { mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', extensions: ['xlsx'], label: 'Excel spreadsheet' },
  pptx: { mime: 'application/vnd.openxmlformats-officedocument.presentationml.presentation', extensions: ['pptx'], label: 'PowerPoint presentation' },
  odt: { mime: 'application/vnd.oasis.opendocument.text', extensions: ['odt'], label: 'OpenDocument text' },
  ods: { mime: 'application/vnd.oasis.opendocument.spreadsheet', extensions: ['ods'], label: 'OpenDocument spreadsheet' },
  odp: { mime: 'application/vnd.oasis.opendocument.presentation', extensions: ['odp'], label: 'OpenDocument presentation' },
}

const ACCEPTED_MESSAGE = 'The selected file must be a PDF, Word, Excel, PowerPoint, OpenDocument, PNG, JPEG, GIF or WebP file'

/** An uploaded file as the route received it. */
export interface UploadedFile {
  fileName: string
  data: Buffer
  /** True when the file was cut off at the size limit. */
  truncated: boolean
}

/** Checks a file by its content (never trusting the name or the browser's type). Returns the detected type or a field error. */
export async function checkUpload(file: UploadedFile | null, maxBytes: number): Promise<{ ok: true; ext: string; mime: string } | { ok: false; error: string; status: number }> {
  if (!file || (!file.fileName && file.data.length === 0)) return { ok: false, error: 'Select a file', status: 422 }
  if (file.truncated || file.data.length > maxBytes) return { ok: false, error: `The selected file must be smaller than ${formatBytes(maxBytes)}`, status: 413 }
  if (file.data.length === 0) return { ok: false, error: 'The selected file is empty', status: 422 }
  const detected = await fileTypeFromBuffer(file.data)
  const type = detected ? ACCEPTED_TYPES[detected.ext] : undefined
  if (!detected || !type) return { ok: false, error: ACCEPTED_MESSAGE, status: 422 }
  const ext = /\.([a-z0-9]{1,10})$/i.exec(file.fileName)?.[1]?.toLowerCase()
  if (ext && !type.extensions.includes(ext)) return { ok: false, error: `The selected file is not a real .${ext} file (its content is a ${type.label}). Check you chose the right file`, status: 422 }
  return { ok: true, ext: detected.ext, mime: type.mime }
}

/** "10 MB" from bytes. */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${Math.round((n / (1024 * 1024)) * 10) / 10} MB`
  if (n >= 1024) return `${Math.round(n / 1024)} KB`
  return `${n} bytes`
}

/** A safe display/download name: no path, no control characters, with the right extension. */
function safeFileName(name: string, ext: string): string {
  const base = (name.split(/[\\/]/).pop() ?? '').replace(/[\u0000-\u001f\u007f"]/g, '').trim().slice(0, 150) || 'document'
  return /\.[a-z0-9]{1,10}$/i.test(base) ? base : `${base}.${ext}`
}

/** Where uploads are stored. */
export const uploadsDir = (dataDir: string) => join(dataDir, 'uploads')

/**
 * Stores a checked file under a random name in dataDir/uploads and records it. The caller runs
 * this in a transaction and removes the file if the transaction fails (see `storageKey`).
 */
export async function addFile(
  db: Db,
  actor: Actor,
  access: CommunityAccess,
  input: { title: string; description: string },
  file: UploadedFile,
  checked: { ext: string; mime: string },
  dataDir: string,
): Promise<{ id: string; storageKey: string }> {
  const userId = requireSignedIn(actor)
  if (!access.canParticipate) throw forbidden('Join this community to add to its library')
  const id = newId()
  const storageKey = `${newId()}.${checked.ext}`
  const dir = uploadsDir(dataDir)
  await mkdir(dir, { recursive: true })
  await writeFile(join(dir, storageKey), file.data, { mode: 0o640 })
  const t = now()
  await insertDocument(db, { id, space_id: access.community.id, kind: 'file', title: input.title, description: input.description, url: null, file_name: safeFileName(file.fileName, checked.ext), mime_type: checked.mime, size_bytes: file.data.length, storage_key: storageKey, author_id: userId, hidden_at: null, created_at: t })
  await touchCommunity(db, access.community.id, t)
  return { id, storageKey }
}

/** Whether the actor may see (and download) one library document. */
export async function canSeeDocument(db: Db, actor: Actor, doc: LibraryDocument): Promise<boolean> {
  return can(db, actor, 'view', 'document', documentFacts(doc))
}

// ---------------------------------------------------------------- people in a community

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

/** People by id as pages label authors (name, handle, whether their profile is public). */
export async function authorsByIds(db: Db, ids: string[]): Promise<Map<string, { id: string; handle: string; name: string; public: boolean }>> {
  return peopleByIds(db, ids)
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
