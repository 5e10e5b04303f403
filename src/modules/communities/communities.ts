import type { Db } from '../../core/db/database.ts'
import { freeSlug, now } from '../../core/db/ids.ts'
import { spaceFacts, type SpaceFacts } from '../../core/access/can.ts'
import type { Actor } from '../../core/access/policy.ts'
import { moderateSpace, participateInSpace, viewSpace } from '../../core/access/spaces.policy.ts'
import { createSpace, setMembership, updateSpace } from '../../core/access/spaces.ts'
import type { SpaceRole, SpaceVisibility } from '../../core/access/access.tables.ts'
import { audit } from '../../core/audit.ts'
import { AppError, forbidden, notFound } from '../../core/errors.ts'
import { indexDocument } from '../../core/search/search.ts'
import { communitiesOfPerson, findCommunityBySlug, insertCommunity, slugsLike, updateCommunityDetails, type Community } from './communities.queries.ts'
import type { JoinPolicy } from './communities.tables.ts'

// The module's public use-case file (the only one other modules may import): what a community
// is to its reader (`loadCommunity`), and creating and changing one. Membership, discussions and
// the library have their own use-case files beside this one.

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

/** Loads a community for managing it (settings, members): 404 as `loadCommunity`, then 403 for anyone but its hosts. */
export async function loadCommunityAsHost(db: Db, actor: Actor, slug: string): Promise<CommunityAccess> {
  const access = await loadCommunity(db, actor, slug)
  // A reader who may see the community learns nothing new from a 403; others already got 404 above.
  if (!access.isHost) throw forbidden('Only hosts can manage this community')
  return access
}

/**
 * Communities a person is an active member of, with their role, among those the actor may see: what
 * another module offers as "where this belongs" or "on behalf of" choices (roles still checked by `can`).
 */
export async function communitiesOf(db: Db, actor: Actor, userId: string): Promise<Array<Pick<Community, 'id' | 'slug' | 'name' | 'visibility'> & { role: SpaceRole }>> {
  const rows = await communitiesOfPerson(db, actor, userId)
  return rows.map((c) => ({ id: c.id, slug: c.slug, name: c.name, visibility: c.visibility, role: c.role }))
}

/** The signed-in actor's id, or 401: the routes send anonymous people to sign in before calling a use case. */
export const requireSignedIn = (actor: Actor): string => {
  if (!actor.userId) throw new AppError('unauthorised', 401, 'Sign in to do that')
  return actor.userId
}

/** Input for creating or editing a community (see communitySchema). */
export interface CommunityInput {
  name: string
  description: string
  themes: string[]
  join_policy: string
  visibility: string
}

/** A slug not yet taken: the name's slug (50 characters at most), else with -2, -3 … ('new' is the create form's URL). */
const communitySlug = (db: Db, name: string) => freeSlug(name, (base) => slugsLike(db, base), { fallback: 'community', reserved: ['new'], max: 50 })

/** Creates a community (a space of kind 'community') with the creator as its host. */
export async function createCommunity(db: Db, actor: Actor, input: CommunityInput): Promise<{ id: string; slug: string }> {
  const userId = requireSignedIn(actor)
  const slug = await communitySlug(db, input.name)
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
    await audit(db, { actorId: actor.userId, action: 'community.visibility', subjectType: 'community', subjectId: c.id, spaceId: c.id, subjectTitle: c.name, subjectUrl: `/communities/${c.slug}`, reason: `${c.visibility} → ${input.visibility}` })
  }
}
