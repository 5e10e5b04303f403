import { now } from '../../core/db/ids.ts'
import { readerRows } from '../../core/access/reader-facts.ts'
import { publiclyVisible, shownTo, spaceVisible, visibleTo, type Actor } from '../../core/access/policy.ts'
import { afterCursor, decodeCursor, paginate } from '../../core/http/pagination.ts'
import type { PostsDb, PostsTable, PostSourcesTable } from './posts.tables.ts'
import type { SitemapRange, SitemapUrl } from '../../core/sitemap/sitemap.ts'
import { inWindow, shownAfterMark, type ActivityWindow, type PublishedMark } from '../../core/activity.ts'

/** The policy's view of the posts table: every read path passes these to visibleTo. */
export const POST_COLUMNS = { space: 'posts.space_id', visibleFrom: 'posts.published_at', author: 'posts.author_id', hidden: 'posts.hidden_at' } as const

export type PostRow = PostsTable

export interface ListOptions {
  spaceId?: string
  projectId?: string
  organisationId?: string
  /** Posts where this person is an author or co-author. */
  authorId?: string
  tag?: string
  /** Only these posts (e.g. those an event's notes link). */
  ids?: string[]
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

export type CardRow = Pick<PostRow, 'id' | 'slug' | 'title' | 'excerpt' | 'status' | 'published_at' | 'updated_at' | 'hidden_at' | 'project_id' | 'organisation_id' | 'space_id' | 'series_id' | 'series_number'> & { body_html?: string }

/**
 * Published posts the actor may read, newest first, keyset-paginated: what /posts, tag pages,
 * timelines, feeds and the API list. Drafts and scheduled posts never appear in lists (authors
 * find them on /posts/drafts).
 */
export async function listPostRows(db: PostsDb, actor: Actor, options: ListOptions = {}): Promise<{ items: CardRow[]; next: string | null }> {
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
  if (options.ids) q = q.where('posts.id', 'in', options.ids.length ? options.ids : [''])
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
    q = q.where((eb) => afterCursor(eb, 'posts.published_at', 'posts.id', cursor))
  }
  const rows = (await q.orderBy('posts.published_at', 'desc').orderBy('posts.id', 'desc').limit(limit + 1).execute()) as CardRow[]
  return paginate(rows, limit, (r) => ({ at: r.published_at!, id: r.id }))
}

/** Published posts among `ids` the actor may read (for other modules that link posts, through posts.ts). */
export async function publishedRowsByIds(db: PostsDb, actor: Actor, ids: string[]): Promise<CardRow[]> {
  const unique = [...new Set(ids)]
  if (unique.length === 0) return []
  const at = now()
  return (await db
    .selectFrom('posts')
    .select(CARD)
    .where('posts.id', 'in', unique)
    .where('posts.status', '=', 'published')
    .where((eb) => visibleTo(actor, eb, POST_COLUMNS, at))
    .execute()) as CardRow[]
}

export type DraftRow = Pick<PostRow, 'id' | 'slug' | 'title' | 'status' | 'published_at' | 'updated_at' | 'hidden_at'>

/**
 * Drafts and scheduled posts the reader is an author or co-author of, most recently changed first (at most 200). Which
 * posts they are credited on is read as their fact (`post_authors`), never `actor.userId`, so /posts/drafts is kept
 * for them between changes (decision 0045): a post credited to them or no longer, from this app or not, is seen at the
 * next request; a change to one of these posts is a write that voids shared pages; a scheduled time passing, the
 * cache's schedule.
 */
export async function draftRows(db: PostsDb, actor: Actor): Promise<DraftRow[]> {
  const credited = await readerRows(db, actor, 'post_authors', 'user_id', {}, ['post_id'])
  if (credited.length === 0) return []
  const at = now()
  return db
    .selectFrom('posts')
    .select(['posts.id', 'posts.slug', 'posts.title', 'posts.status', 'posts.published_at', 'posts.updated_at', 'posts.hidden_at'])
    .where('posts.id', 'in', credited.map((r) => r.post_id))
    .where((eb) => eb.or([eb('posts.status', '=', 'draft'), eb('posts.published_at', '>', at)]))
    .where((eb) => spaceVisible(actor, eb, 'posts.space_id'))
    .orderBy('posts.updated_at', 'desc')
    .orderBy('posts.id', 'desc')
    .limit(200)
    .execute()
}

/** Authors (in credit order), tags and series of a page of posts, in three queries. */
export async function postParts(db: PostsDb, ids: string[], seriesIds: string[]) {
  if (ids.length === 0) return { authors: [], tags: [], series: [] }
  const [authors, tags, series] = await Promise.all([
    db.selectFrom('post_authors').select(['post_id', 'user_id']).where('post_id', 'in', ids).orderBy('position').execute(),
    db.selectFrom('post_tags').select(['post_id', 'tag']).where('post_id', 'in', ids).orderBy('tag').execute(),
    seriesIds.length ? db.selectFrom('series').select(['id', 'slug', 'title']).where('id', 'in', seriesIds).execute() : Promise.resolve([]),
  ])
  return { authors, tags, series }
}

export async function findPostBySlug(db: PostsDb, slug: string): Promise<PostRow | null> {
  if (!slug || slug.length > 100) return null
  return (await db.selectFrom('posts').selectAll().where('slug', '=', slug).executeTakeFirst()) ?? null
}

export async function findPostById(db: PostsDb, id: string): Promise<PostRow | null> {
  return (await db.selectFrom('posts').selectAll().where('id', '=', id).executeTakeFirst()) ?? null
}

/** Every author id of a post, primary first. */
export async function authorIdsOf(db: PostsDb, postId: string): Promise<string[]> {
  const rows = await db.selectFrom('post_authors').select('user_id').where('post_id', '=', postId).orderBy('position').execute()
  return rows.map((r) => r.user_id)
}

/** The tags of one post. */
export async function tagsOfPost(db: PostsDb, postId: string): Promise<string[]> {
  return (await db.selectFrom('post_tags').select('tag').where('post_id', '=', postId).orderBy('tag').execute()).map((r) => r.tag)
}

/** The previous and next visible posts of the same series. */
export async function seriesNeighbours(db: PostsDb, actor: Actor, post: PostRow): Promise<{ previous: { slug: string; title: string } | null; next: { slug: string; title: string } | null }> {
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
/** The reader's series (a personal fact whose answer is every series' id and title: the new-post form is shared by readers with the same). */
export async function readerSeries(db: PostsDb, actor: Actor): Promise<Array<{ id: string; title: string }>> {
  const rows = await readerRows(db, actor, 'series', 'owner_id', {}, ['id', 'title'])
  return rows.sort((a, b) => (a.title < b.title ? -1 : a.title > b.title ? 1 : a.id < b.id ? -1 : 1))
}

export async function findSeries(db: PostsDb, id: string): Promise<{ id: string; owner_id: string } | undefined> {
  return db.selectFrom('series').select(['id', 'owner_id']).where('id', '=', id).executeTakeFirst()
}

export async function insertSeries(db: PostsDb, row: { id: string; slug: string; title: string; owner_id: string; created_at: string }): Promise<void> {
  await db.insertInto('series').values(row).execute()
}

/** The next number in a series (1 for the first post). */
export async function nextSeriesNumber(db: PostsDb, seriesId: string): Promise<number> {
  const row = await db.selectFrom('posts').select((eb) => eb.fn.max('series_number').as('n')).where('series_id', '=', seriesId).executeTakeFirst()
  return Number(row?.n ?? 0) + 1
}

/** Slugs of posts or series that are `base` or `base-…`, to pick a free one. */
export async function slugsLike(db: PostsDb, table: 'posts' | 'series', base: string): Promise<Set<string>> {
  const rows = await db.selectFrom(table).select('slug').where((eb) => eb.or([eb('slug', '=', base), eb('slug', 'like', `${base}-%`)])).execute()
  return new Set(rows.map((r) => r.slug))
}

/** Writes a post and its authors and tags (replacing them on update). */
export async function writePost(
  db: PostsDb,
  row: Omit<PostRow, 'slug' | 'author_id' | 'hidden_at' | 'created_at'> & Partial<Pick<PostRow, 'slug' | 'author_id' | 'hidden_at' | 'created_at'>>,
  isNew: boolean,
  authorIds: string[],
  tags: string[],
): Promise<void> {
  if (isNew) await db.insertInto('posts').values(row as PostRow).execute()
  else {
    const { id, ...changes } = row
    await db.updateTable('posts').set(changes).where('id', '=', id).execute()
    await db.deleteFrom('post_tags').where('post_id', '=', id).execute()
    await db.deleteFrom('post_authors').where('post_id', '=', id).execute()
  }
  await db.insertInto('post_authors').values(authorIds.map((userId, position) => ({ post_id: row.id, user_id: userId, position }))).execute()
  const publishedAt = row.status === 'published' ? row.published_at : null
  if (tags.length) await db.insertInto('post_tags').values(tags.map((tag) => ({ post_id: row.id, tag, published_at: publishedAt }))).execute()
}

/**
 * Hides a post, or shows it again. Shown for the first time (approved after waiting): readers see it, and followers
 * hear of it, from now, or from its scheduled time if that is still to come (decision 0038).
 */
export async function setPostHiddenAt(db: PostsDb, id: string, hiddenAt: string | null): Promise<void> {
  if (hiddenAt !== null) {
    await db.updateTable('posts').set({ hidden_at: hiddenAt }).where('id', '=', id).execute()
    return
  }
  const post = await db.selectFrom('posts').select(['status', 'published_at', 'shown_at']).where('id', '=', id).executeTakeFirst()
  const t = new Date().toISOString()
  const firstShown = !post?.shown_at && post?.status === 'published' && post.published_at ? (post.published_at > t ? post.published_at : t) : null
  if (!firstShown) {
    await db.updateTable('posts').set({ hidden_at: null }).where('id', '=', id).execute()
    return
  }
  // Never seen before: it is published now (its page, feeds, timelines and the fan-out all read published_at).
  await db.updateTable('posts').set({ hidden_at: null, shown_at: firstShown, published_at: firstShown }).where('id', '=', id).execute()
  await db.updateTable('post_tags').set({ published_at: firstShown }).where('post_id', '=', id).execute()
}

export interface CommentRow {
  id: string
  authorId: string
  bodyHtml: string
  createdAt: string
  hidden: boolean
}

/** Comments on a post the reader may already see; hidden ones only for their author and admins. */
export async function commentRows(db: PostsDb, actor: Actor, postId: string): Promise<CommentRow[]> {
  const q = db
    .selectFrom('comments')
    .select(['id', 'author_id', 'body_html', 'created_at', 'hidden_at'])
    .where('comments.post_id', '=', postId)
    .where((eb) => shownTo(actor, eb, { author: 'comments.author_id', hidden: 'comments.hidden_at' }))
  const rows = await q.orderBy('comments.created_at').orderBy('comments.id').limit(500).execute()
  return rows.map((r) => ({ id: r.id, authorId: r.author_id, bodyHtml: r.body_html, createdAt: r.created_at, hidden: r.hidden_at !== null }))
}

export async function insertComment(db: PostsDb, row: { id: string; post_id: string; author_id: string; body: string; body_html: string; hidden_at: string | null; created_at: string }): Promise<void> {
  await db.insertInto('comments').values(row).execute()
}

/** One comment with the facts of its post, for moderation. */
export async function findCommentWithPost(db: PostsDb, id: string) {
  return db
    .selectFrom('comments')
    .innerJoin('posts', 'posts.id', 'comments.post_id')
    .select(['comments.id', 'comments.author_id', 'comments.body', 'comments.hidden_at', 'posts.slug', 'posts.title', 'posts.space_id', 'posts.status', 'posts.published_at', 'posts.hidden_at as post_hidden_at', 'posts.author_id as post_author_id'])
    .where('comments.id', '=', id)
    .executeTakeFirst()
}

export async function setCommentHiddenAt(db: PostsDb, id: string, hiddenAt: string | null): Promise<void> {
  await db.updateTable('comments').set({ hidden_at: hiddenAt }).where('id', '=', id).execute()
}

/** Published posts an anonymous reader may see, as the sitemap's source (core/sitemap): one indexed range of publication times. */
function publicPosts(db: PostsDb) {
  return db
    .selectFrom('posts')
    .where('status', '=', 'published')
    .where((eb) => publiclyVisible(eb, POST_COLUMNS, now()))
}

/** For the sitemap: the posts an anonymous reader may see, published in [from, to). */
export async function publicPostPaths(db: PostsDb, range: SitemapRange): Promise<SitemapUrl[]> {
  let q = publicPosts(db).select(['slug', 'updated_at'])
  if (range.from !== null) q = q.where('published_at', '>=', range.from)
  if (range.to !== null) q = q.where('published_at', '<', range.to)
  const rows = await q.orderBy('published_at').limit(range.limit).execute()
  return rows.map((p) => ({ path: `/posts/${p.slug}`, updated: p.updated_at }))
}

/** For cutting the sitemap into parts: the publication time `step` visible posts after `after`. */
export async function publicPostKeyAfter(db: PostsDb, after: string | null, step: number): Promise<string | null> {
  let q = publicPosts(db).select('published_at')
  if (after !== null) q = q.where('published_at', '>', after)
  const row = await q.orderBy('published_at').limit(1).offset(step - 1).executeTakeFirst()
  return row?.published_at ?? null
}

/**
 * For the sitemap: the post list and every tag with a post an anonymous reader may see. Each distinct tag (read
 * from the tag index alone) is checked for one visible post, which usually is its first: joining every tagged
 * post instead cost 500 ms at 100,000 posts, in proportion to the posts.
 */
export async function publicTagPaths(db: PostsDb, range: SitemapRange): Promise<SitemapUrl[]> {
  const at = now()
  const tags = await db
    .selectFrom(db.selectFrom('post_tags').select('tag').distinct().as('d'))
    .select('d.tag')
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('post_tags as pt')
          .innerJoin('posts', 'posts.id', 'pt.post_id')
          .select('pt.post_id')
          .whereRef('pt.tag', '=', 'd.tag')
          .where('posts.status', '=', 'published')
          .where((w) => publiclyVisible(w, POST_COLUMNS, at)),
      ),
    )
    .orderBy('d.tag')
    .limit(range.limit)
    .execute()
  return [{ path: '/posts' }, ...tags.map((t) => ({ path: `/tags/${encodeURIComponent(t.tag)}` }))]
}

/** Records where a syndicated post was first published. */
export async function insertPostSource(db: PostsDb, row: PostSourcesTable): Promise<void> {
  await db.insertInto('post_sources').values(row).execute()
}

export async function findPostSource(db: PostsDb, postId: string): Promise<PostSourcesTable | undefined> {
  return db.selectFrom('post_sources').selectAll().where('post_id', '=', postId).executeTakeFirst()
}

/** Sets what an imported post shows: the sanitised original HTML, and the original date. */
export async function setImportedBody(db: PostsDb, id: string, bodyHtml: string, publishedAt: string): Promise<void> {
  await db.updateTable('posts').set({ body_html: bodyHtml, published_at: publishedAt }).where('id', '=', id).execute()
  await db.updateTable('post_tags').set({ published_at: publishedAt }).where('post_id', '=', id).where('published_at', 'is not', null).execute()
}

/**
 * Published posts the actor may read about any of these subjects (by or with a person, of a project, an
 * organisation or a community, with a tag), in a window of the activity timeline, newest first; with the
 * subjects each one matched (core/activity.ts). Hidden posts are left out, for moderators too.
 * One query per kind of subject, each along its own index (one query with OR would sort every match), then merged.
 */
export async function postActivityRows(db: PostsDb, actor: Actor, about: { people: string[]; projects: string[]; organisations: string[]; communities: string[]; tags: string[] }, window: ActivityWindow) {
  const at = now()
  const base = () =>
    db
      .selectFrom('posts')
      .select(['posts.id', 'posts.slug', 'posts.title', 'posts.excerpt', 'posts.published_at', 'posts.project_id', 'posts.organisation_id', 'posts.space_id'])
      .where('posts.status', '=', 'published')
      .where('posts.hidden_at', 'is', null)
      .where((eb) => visibleTo(actor, eb, POST_COLUMNS, at))
      .where((eb) => inWindow(eb, 'post', 'posts.published_at', 'posts.id', window, at))
      .orderBy('posts.published_at', 'desc')
      .orderBy('posts.id', 'desc')
      .limit(window.limit)
  const branches = [
    about.projects.length ? base().where('posts.project_id', 'in', about.projects).execute() : [],
    about.organisations.length ? base().where('posts.organisation_id', 'in', about.organisations).execute() : [],
    about.communities.length ? base().where('posts.space_id', 'in', about.communities).execute() : [],
    about.people.length ? base().innerJoin('post_authors', 'post_authors.post_id', 'posts.id').where('post_authors.user_id', 'in', about.people).execute() : [],
    // A followed tag is walked along (tag, published_at, post_id), newest first, one range per tag: no sort of its posts.
    ...about.tags.map((tag) =>
      db
        .selectFrom('post_tags')
        .innerJoin('posts', 'posts.id', 'post_tags.post_id')
        .select(['posts.id', 'posts.slug', 'posts.title', 'posts.excerpt', 'posts.published_at', 'posts.project_id', 'posts.organisation_id', 'posts.space_id'])
        .where('post_tags.tag', '=', tag)
        .where('post_tags.published_at', 'is not', null)
        .where((eb) => inWindow(eb, 'post', 'post_tags.published_at', 'post_tags.post_id', window, at))
        .where('posts.status', '=', 'published')
        .where('posts.hidden_at', 'is', null)
        .where((eb) => visibleTo(actor, eb, POST_COLUMNS, at))
        .orderBy('post_tags.published_at', 'desc')
        .orderBy('post_tags.post_id', 'desc')
        .limit(window.limit)
        .execute(),
    ),
  ]
  const merged = new Map((await Promise.all(branches)).flat().map((r) => [r.id, r]))
  const rows = [...merged.values()].sort((a, b) => (a.published_at! === b.published_at! ? (a.id < b.id ? 1 : -1) : a.published_at! < b.published_at! ? 1 : -1)).slice(0, window.limit)
  const ids = rows.map((r) => r.id)
  const [authors, tags] = ids.length
    ? await Promise.all([
        about.people.length ? db.selectFrom('post_authors').select(['post_id', 'user_id']).where('post_id', 'in', ids).where('user_id', 'in', about.people).execute() : [],
        about.tags.length ? db.selectFrom('post_tags').select(['post_id', 'tag']).where('post_id', 'in', ids).where('tag', 'in', about.tags).execute() : [],
      ])
    : [[], []]
  return rows.map((r) => ({ ...r, authorIds: authors.filter((a) => a.post_id === r.id).map((a) => a.user_id), tags: tags.filter((t) => t.post_id === r.id).map((t) => t.tag) }))
}

/** Which of these tags some post the actor may read carries (a tag exists for a reader through its posts): one indexed probe per tag. */
export async function visibleTags(db: PostsDb, actor: Actor, tags: string[]): Promise<string[]> {
  const at = now()
  const found = await Promise.all(
    [...new Set(tags)].map(async (tag) => {
      const row = await db
        .selectFrom('post_tags')
        .innerJoin('posts', 'posts.id', 'post_tags.post_id')
        .select('post_tags.tag')
        .where('post_tags.tag', '=', tag)
        .where('posts.status', '=', 'published')
        .where((eb) => visibleTo(actor, eb, POST_COLUMNS, at))
        .limit(1)
        .executeTakeFirst()
      return row ? tag : null
    }),
  )
  return found.filter((t) => t !== null)
}

/**
 * Every published post shown (not hidden) that became visible after the fan-out's mark `since` up to `until`, oldest first, with all its
 * authors and tags: the follows module's fan-out, which asks each follower again as themself before telling them.
 */
export async function postsPublishedBetween(db: PostsDb, since: PublishedMark, until: string, limit: number) {
  const rows = await db
    .selectFrom('posts')
    .select(['id', 'published_at', 'project_id', 'organisation_id', 'space_id'])
    .where('status', '=', 'published')
    .$call((q) => shownAfterMark(q, 'published_at', since, until, limit))
    .execute()
  const ids = rows.map((r) => r.id)
  const [authors, tags] = ids.length
    ? await Promise.all([db.selectFrom('post_authors').select(['post_id', 'user_id']).where('post_id', 'in', ids).execute(), db.selectFrom('post_tags').select(['post_id', 'tag']).where('post_id', 'in', ids).execute()])
    : [[], []]
  return rows.map((r) => ({ ...r, authorIds: authors.filter((a) => a.post_id === r.id).map((a) => a.user_id), tags: tags.filter((t) => t.post_id === r.id).map((t) => t.tag) }))
}
