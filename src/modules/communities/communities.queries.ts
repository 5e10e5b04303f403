import { visibleTo, type Actor } from '../../core/access/policy.ts'
import type { SpaceVisibility, SpaceRole } from '../../core/access/access.tables.ts'
import { afterCursor, decodeCursor, paginate } from '../../core/http/pagination.ts'
import type { CommunitiesDb, CommunitiesTable, JoinPolicy } from './communities.tables.ts'

/** A community with its space's visibility. */
export interface Community {
  id: string
  slug: string
  name: string
  description: string
  themes: string[]
  joinPolicy: JoinPolicy
  visibility: SpaceVisibility
  createdBy: string
  createdAt: string
  updatedAt: string
  lastActivityAt: string
}

const communityColumns = [
  'communities.id',
  'communities.slug',
  'communities.name',
  'communities.description',
  'communities.themes',
  'communities.join_policy',
  'communities.created_by',
  'communities.created_at',
  'communities.updated_at',
  'communities.last_activity_at',
  'spaces.visibility',
] as const

type CommunityRow = CommunitiesTable & { visibility: SpaceVisibility }

function toCommunity(r: CommunityRow): Community {
  return {
    id: r.id,
    slug: r.slug,
    name: r.name,
    description: r.description,
    themes: r.themes ? r.themes.split(',').map((t) => t.trim()).filter(Boolean) : [],
    joinPolicy: r.join_policy,
    visibility: r.visibility,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    lastActivityAt: r.last_activity_at,
  }
}

/** One community by slug, whoever asks (callers check access with the policy). */
export async function findCommunityBySlug(db: CommunitiesDb, slug: string): Promise<Community | null> {
  if (slug.length > 80) return null
  const row = await db.selectFrom('communities').innerJoin('spaces', 'spaces.id', 'communities.id').select(communityColumns).where('communities.slug', '=', slug).executeTakeFirst()
  return row ? toCommunity(row) : null
}

/** One community by id (its space id). */
export async function findCommunityById(db: CommunitiesDb, id: string): Promise<Community | null> {
  const row = await db.selectFrom('communities').innerJoin('spaces', 'spaces.id', 'communities.id').select(communityColumns).where('communities.id', '=', id).executeTakeFirst()
  return row ? toCommunity(row) : null
}


/** Communities the actor may see, most recently active first. */
export async function listCommunities(db: CommunitiesDb, actor: Actor, options: { cursor?: unknown; limit: number }): Promise<{ items: Community[]; next: string | null }> {
  const cursor = decodeCursor(options.cursor)
  let q = db
    .selectFrom('communities')
    .innerJoin('spaces', 'spaces.id', 'communities.id')
    .select(communityColumns)
    .where((eb) => visibleTo(actor, eb, { space: 'communities.id' }))
  if (cursor) q = q.where((eb) => afterCursor(eb, 'communities.last_activity_at', 'communities.id', cursor))
  const rows = await q.orderBy('communities.last_activity_at', 'desc').orderBy('communities.id', 'desc').limit(options.limit + 1).execute()
  return paginate(rows.map(toCommunity), options.limit, (c) => ({ at: c.lastActivityAt, id: c.id }))
}

/** Active member counts for a set of communities, in one query. */
export async function memberCounts(db: CommunitiesDb, spaceIds: string[]): Promise<Map<string, number>> {
  if (spaceIds.length === 0) return new Map()
  const rows = await db
    .selectFrom('space_members')
    .select(['space_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('space_id', 'in', spaceIds)
    .where('status', '=', 'active')
    .groupBy('space_id')
    .execute()
  return new Map(rows.map((r) => [r.space_id, Number(r.n)]))
}

/** Slugs taken by `base` or its numbered forms (`base-2`, `base-3` …), in one query. */
export async function slugsLike(db: CommunitiesDb, base: string): Promise<Set<string>> {
  const rows = await db.selectFrom('communities').select('slug').where((eb) => eb.or([eb('slug', '=', base), eb('slug', 'like', `${base}-%`)])).execute()
  return new Set(rows.map((r) => r.slug))
}

/** Records a new community (its space already exists under the same id). */
export async function insertCommunity(db: CommunitiesDb, row: CommunitiesTable): Promise<void> {
  await db.insertInto('communities').values(row).execute()
}

/** Writes a community's own details (its visibility lives on the space). */
export async function updateCommunityDetails(db: CommunitiesDb, id: string, details: Pick<CommunitiesTable, 'name' | 'description' | 'themes' | 'join_policy' | 'updated_at'>): Promise<void> {
  await db.updateTable('communities').set(details).where('id', '=', id).execute()
}

/** Moves a community up the list when a thread, reply or document is added. */
export async function touchCommunity(db: CommunitiesDb, id: string, t: string): Promise<void> {
  await db.updateTable('communities').set({ last_activity_at: t }).where('id', '=', id).execute()
}

/** Communities where `userId` is an active member, limited to those the actor may see. */
export async function communitiesOfPerson(db: CommunitiesDb, actor: Actor, userId: string, limit = 50): Promise<Array<Community & { role: SpaceRole }>> {
  const rows = await db
    .selectFrom('space_members')
    .innerJoin('communities', 'communities.id', 'space_members.space_id')
    .innerJoin('spaces', 'spaces.id', 'communities.id')
    .select([...communityColumns, 'space_members.role'])
    .where('space_members.user_id', '=', userId)
    .where('space_members.status', '=', 'active')
    .where((eb) => visibleTo(actor, eb, { space: 'communities.id' }))
    .orderBy('communities.name')
    .limit(limit)
    .execute()
  return rows.map((r) => ({ ...toCommunity(r), role: r.role }))
}

/** Public communities and their visible threads, for the sitemap. */
export async function publicSitemapEntries(db: CommunitiesDb): Promise<Array<{ path: string; updated?: string }>> {
  const anon: Actor = { userId: null, isAdmin: false }
  const communities = await db
    .selectFrom('communities')
    .select(['communities.id', 'communities.slug', 'communities.last_activity_at'])
    .where((eb) => visibleTo(anon, eb, { space: 'communities.id' }))
    .limit(5000)
    .execute()
  if (communities.length === 0) return []
  const slugs = new Map(communities.map((c) => [c.id, c.slug]))
  const threads = await db
    .selectFrom('threads')
    .select(['threads.id', 'threads.space_id', 'threads.last_activity_at'])
    .where('threads.space_id', 'in', [...slugs.keys()])
    .where((eb) => visibleTo(anon, eb, { space: 'threads.space_id', hidden: 'threads.hidden_at' }))
    .orderBy('threads.last_activity_at', 'desc')
    .limit(20000)
    .execute()
  return [
    ...communities.map((c) => ({ path: `/communities/${c.slug}`, updated: c.last_activity_at })),
    ...threads.map((t) => ({ path: `/communities/${slugs.get(t.space_id)}/threads/${t.id}`, updated: t.last_activity_at })),
  ]
}

/** Members-only communities by name, for platform admins' list (names only: what is inside stays closed). */
export async function membersOnlyCommunities(db: CommunitiesDb, limit = 200): Promise<Array<{ slug: string; name: string }>> {
  return db
    .selectFrom('communities')
    .innerJoin('spaces', 'spaces.id', 'communities.id')
    .select(['communities.slug', 'communities.name'])
    .where('spaces.visibility', '=', 'members')
    .orderBy('communities.name')
    .limit(limit)
    .execute()
}
