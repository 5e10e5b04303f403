import type { Executor } from '../../core/db/database.ts'
import { now } from '../../core/db/ids.ts'
import { publiclyVisible, spaceVisible, visibleTo, type Actor } from '../../core/access/policy.ts'
import { spacesByIds } from '../../core/access/spaces.ts'
import { decodeCursor, paginate } from '../../core/http/pagination.ts'
import type { PostsTable } from './posts.tables.ts'
import { organisationsByIds, projectsByIds, type LinkRef } from './posts.links.ts'

/** The policy's view of the posts table: every read path passes these to visibleTo. */
export const POST_COLUMNS = { space: 'posts.space_id', visibleFrom: 'posts.published_at', author: 'posts.author_id', hidden: 'posts.hidden_at' } as const

export type PostRow = PostsTable

export interface PersonRef {
  id: string
  handle: string
  name: string
}

/** A post as lists, pages, feeds and the API show it. */
export interface PostCard {
  id: string
  slug: string
  url: string
  title: string
  excerpt: string
  status: 'draft' | 'published'
  publishedAt: string | null
  updatedAt: string
  hiddenAt: string | null
  authors: PersonRef[]
  tags: string[]
  project: LinkRef | null
  organisation: LinkRef | null
  community: { id: string; name: string; path: string } | null
  series: { id: string; slug: string; title: string; number: number | null } | null
  bodyHtml?: string
}

export interface ListOptions {
  spaceId?: string
  projectId?: string
  organisationId?: string
  /** Posts where this person is an author or co-author. */
  authorId?: string
  tag?: string
  cursor?: string | null
  limit?: number
  /** Also load body_html (feeds). */
  withBody?: boolean
}

const CARD = [
  'posts.id',
  'posts.slug',
  'posts.title',
  'posts.excerpt',
  'posts.status',
  'posts.published_at',
  'posts.updated_at',
  'posts.hidden_at',
  'posts.project_id',
  'posts.organisation_id',
  'posts.space_id',
  'posts.series_id',
  'posts.series_number',
] as const

type CardRow = Pick<PostRow, 'id' | 'slug' | 'title' | 'excerpt' | 'status' | 'published_at' | 'updated_at' | 'hidden_at' | 'project_id' | 'organisation_id' | 'space_id' | 'series_id' | 'series_number'> & { body_html?: string }

/**
 * Published posts the actor may read, newest first, keyset-paginated: what /posts, tag pages,
 * timelines, feeds, the API and the communities module list. Drafts and scheduled posts never
 * appear in lists (authors find them on /posts/drafts).
 */
export async function listPosts(db: Executor, actor: Actor, options: ListOptions = {}): Promise<{ items: PostCard[]; next: string | null }> {
  const limit = Math.max(1, Math.min(options.limit ?? 20, 100))
  const at = now()
  let q = db
    .selectFrom('posts')
    .select(CARD)
    .where('posts.status', '=', 'published')
    .where('posts.published_at', 'is not', null)
    .where('posts.published_at', '<=', at)
    .where((eb) => visibleTo(actor, eb, POST_COLUMNS, at))
  if (options.withBody) q = q.select('posts.body_html')
  if (options.spaceId) q = q.where('posts.space_id', '=', options.spaceId)
  if (options.projectId) q = q.where('posts.project_id', '=', options.projectId)
  if (options.organisationId) q = q.where('posts.organisation_id', '=', options.organisationId)
  if (options.authorId) {
    const authorId = options.authorId
    q = q.where('posts.id', 'in', (eb) => eb.selectFrom('post_authors').select('post_authors.post_id').where('post_authors.user_id', '=', authorId))
  }
  if (options.tag) {
    const tag = options.tag
    q = q.where('posts.id', 'in', (eb) => eb.selectFrom('post_tags').select('post_tags.post_id').where('post_tags.tag', '=', tag))
  }
  const cursor = decodeCursor(options.cursor)
  if (cursor) {
    q = q.where((eb) => eb.or([eb('posts.published_at', '<', cursor.at), eb.and([eb('posts.published_at', '=', cursor.at), eb('posts.id', '<', cursor.id)])]))
  }
  const rows = (await q.orderBy('posts.published_at', 'desc').orderBy('posts.id', 'desc').limit(limit + 1).execute()) as CardRow[]
  const page = paginate(rows, limit, (r) => ({ at: r.published_at!, id: r.id }))
  return { items: await hydrate(db, page.items), next: page.next }
}

/** Drafts and scheduled posts the person is an author or co-author of. */
export async function draftsOf(db: Executor, actor: Actor & { userId: string }): Promise<PostCard[]> {
  const at = now()
  const rows = (await db
    .selectFrom('posts')
    .select(CARD)
    .where('posts.id', 'in', (eb) => eb.selectFrom('post_authors').select('post_authors.post_id').where('post_authors.user_id', '=', actor.userId))
    .where((eb) => eb.or([eb('posts.status', '=', 'draft'), eb('posts.published_at', '>', at)]))
    .where((eb) => spaceVisible(actor, eb, 'posts.space_id'))
    .orderBy('posts.updated_at', 'desc')
    .orderBy('posts.id', 'desc')
    .limit(200)
    .execute()) as CardRow[]
  return hydrate(db, rows)
}

/** Batch-loads authors, tags, projects, organisations, communities and series for a page of posts. */
export async function hydrate(db: Executor, rows: CardRow[]): Promise<PostCard[]> {
  if (rows.length === 0) return []
  const ids = rows.map((r) => r.id)
  const seriesIds = [...new Set(rows.flatMap((r) => (r.series_id ? [r.series_id] : [])))]
  const [authorRows, tagRows, seriesRows, projects, organisations, spaces] = await Promise.all([
    db
      .selectFrom('post_authors')
      .innerJoin('users', 'users.id', 'post_authors.user_id')
      .select(['post_authors.post_id', 'users.id', 'users.handle', 'users.name'])
      .where('post_authors.post_id', 'in', ids)
      .orderBy('post_authors.position')
      .execute(),
    db.selectFrom('post_tags').select(['post_id', 'tag']).where('post_id', 'in', ids).orderBy('tag').execute(),
    seriesIds.length ? db.selectFrom('series').select(['id', 'slug', 'title']).where('id', 'in', seriesIds).execute() : Promise.resolve([]),
    projectsByIds(db, rows.flatMap((r) => (r.project_id ? [r.project_id] : []))),
    organisationsByIds(db, rows.flatMap((r) => (r.organisation_id ? [r.organisation_id] : []))),
    spacesByIds(db, rows.flatMap((r) => (r.space_id ? [r.space_id] : []))),
  ])
  const authors = group(authorRows, (a) => a.post_id, (a) => ({ id: a.id, handle: a.handle, name: a.name }))
  const tags = group(tagRows, (t) => t.post_id, (t) => t.tag)
  const series = new Map(seriesRows.map((s) => [s.id, s]))
  return rows.map((r) => {
    const space = r.space_id ? spaces.get(r.space_id) : undefined
    const s = r.series_id ? series.get(r.series_id) : undefined
    return {
      id: r.id,
      slug: r.slug,
      url: `/posts/${r.slug}`,
      title: r.title,
      excerpt: r.excerpt,
      status: r.status,
      publishedAt: r.published_at,
      updatedAt: r.updated_at,
      hiddenAt: r.hidden_at,
      authors: authors.get(r.id) ?? [],
      tags: tags.get(r.id) ?? [],
      project: (r.project_id && projects.get(r.project_id)) || null,
      organisation: (r.organisation_id && organisations.get(r.organisation_id)) || null,
      community: space && r.space_id ? { id: r.space_id, name: space.name, path: space.path } : null,
      series: s ? { id: s.id, slug: s.slug, title: s.title, number: r.series_number === null ? null : Number(r.series_number) } : null,
      ...(r.body_html !== undefined ? { bodyHtml: r.body_html } : {}),
    }
  })
}

function group<T, V>(rows: T[], key: (r: T) => string, value: (r: T) => V): Map<string, V[]> {
  const out = new Map<string, V[]>()
  for (const r of rows) {
    const list = out.get(key(r))
    if (list) list.push(value(r))
    else out.set(key(r), [value(r)])
  }
  return out
}

export async function findPostBySlug(db: Executor, slug: string): Promise<PostRow | null> {
  if (!slug || slug.length > 100) return null
  return (await db.selectFrom('posts').selectAll().where('slug', '=', slug).executeTakeFirst()) ?? null
}

export async function findPostById(db: Executor, id: string): Promise<PostRow | null> {
  return (await db.selectFrom('posts').selectAll().where('id', '=', id).executeTakeFirst()) ?? null
}

/** Every author id of a post, primary first. */
export async function authorIdsOf(db: Executor, postId: string): Promise<string[]> {
  const rows = await db.selectFrom('post_authors').select('user_id').where('post_id', '=', postId).orderBy('position').execute()
  return rows.map((r) => r.user_id)
}

/** The previous and next visible posts of the same series. */
export async function seriesNeighbours(db: Executor, actor: Actor, post: PostRow): Promise<{ previous: { slug: string; title: string } | null; next: { slug: string; title: string } | null }> {
  if (!post.series_id || post.series_number === null) return { previous: null, next: null }
  const at = now()
  const base = () =>
    db
      .selectFrom('posts')
      .select(['slug', 'title'])
      .where('series_id', '=', post.series_id)
      .where('status', '=', 'published')
      .where('published_at', '<=', at)
      .where((eb) => visibleTo(actor, eb, POST_COLUMNS, at))
  const [previous, next] = await Promise.all([
    base().where('series_number', '<', post.series_number).orderBy('series_number', 'desc').limit(1).executeTakeFirst(),
    base().where('series_number', '>', post.series_number).orderBy('series_number', 'asc').limit(1).executeTakeFirst(),
  ])
  return { previous: previous ?? null, next: next ?? null }
}

/** Series the person has started, for the form's choices. */
export async function seriesOf(db: Executor, userId: string): Promise<Array<{ id: string; title: string }>> {
  return db.selectFrom('series').select(['id', 'title']).where('owner_id', '=', userId).orderBy('title').execute()
}

export interface CommentView {
  id: string
  bodyHtml: string
  createdAt: string
  hidden: boolean
  author: PersonRef
}

/** Comments on a post the reader may already see; hidden ones only for their author and admins. */
export async function commentsOf(db: Executor, actor: Actor, postId: string): Promise<CommentView[]> {
  let q = db
    .selectFrom('comments')
    .innerJoin('users', 'users.id', 'comments.author_id')
    .select(['comments.id', 'comments.body_html', 'comments.created_at', 'comments.hidden_at', 'users.id as user_id', 'users.handle', 'users.name'])
    .where('comments.post_id', '=', postId)
  if (!actor.isAdmin) {
    q = q.where((eb) => (actor.userId ? eb.or([eb('comments.hidden_at', 'is', null), eb('comments.author_id', '=', actor.userId)]) : eb('comments.hidden_at', 'is', null)))
  }
  const rows = await q.orderBy('comments.created_at').orderBy('comments.id').limit(500).execute()
  return rows.map((r) => ({ id: r.id, bodyHtml: r.body_html, createdAt: r.created_at, hidden: r.hidden_at !== null, author: { id: r.user_id, handle: r.handle, name: r.name } }))
}

/** People by handle (accounts owns the profile; `users` is a core table). */
export async function peopleByHandles(db: Executor, handles: string[]): Promise<PersonRef[]> {
  const unique = [...new Set(handles.map((h) => h.replace(/^@/, '').toLowerCase()))].filter(Boolean)
  if (unique.length === 0) return []
  return db.selectFrom('users').select(['id', 'handle', 'name']).where('handle', 'in', unique).execute()
}

export async function personByHandle(db: Executor, handle: string): Promise<PersonRef | null> {
  if (!handle || handle.length > 60) return null
  return (await db.selectFrom('users').select(['id', 'handle', 'name']).where('handle', '=', handle).executeTakeFirst()) ?? null
}

/** For the sitemap: posts and tags an anonymous reader may see. */
export async function publicPaths(db: Executor): Promise<Array<{ path: string; updated?: string }>> {
  const at = now()
  const [posts, tags] = await Promise.all([
    db
      .selectFrom('posts')
      .select(['slug', 'updated_at'])
      .where('status', '=', 'published')
      .where((eb) => publiclyVisible(eb, POST_COLUMNS, at))
      .orderBy('published_at', 'desc')
      .limit(40_000)
      .execute(),
    db
      .selectFrom('post_tags')
      .innerJoin('posts', 'posts.id', 'post_tags.post_id')
      .select('post_tags.tag')
      .distinct()
      .where('posts.status', '=', 'published')
      .where((eb) => publiclyVisible(eb, POST_COLUMNS, at))
      .orderBy('post_tags.tag')
      .execute(),
  ])
  return [{ path: '/posts' }, ...posts.map((p) => ({ path: `/posts/${p.slug}`, updated: p.updated_at })), ...tags.map((t) => ({ path: `/tags/${encodeURIComponent(t.tag)}` }))]
}
