import type { Executor } from '../../core/db/database.ts'
import { newId, now, slugify } from '../../core/db/ids.ts'
import { can, type Actor } from '../../core/access/policy.ts'
import { activeSpacesOf } from '../../core/access/spaces.ts'
import { indexDocument } from '../../core/search/search.ts'
import { invalid, notFound, type FieldErrors } from '../../core/errors.ts'
import type { Values } from '../../core/http/forms.ts'
import { markdownToText, renderMarkdown } from '../../core/markdown/markdown.ts'
import { notify } from '../notifications/notifications.ts'
import { authorIdsOf, findPostById, findPostBySlug, peopleByHandles, type PostRow } from './posts.queries.ts'
import { findOrganisationBySlug, findProjectBySlug } from './posts.links.ts'
import { normaliseTag, type postSchema, type commentSchema } from './posts.schemas.ts'

export type PostInput = Values<typeof postSchema>

/** Slugs that name pages of their own under /posts. */
const RESERVED = new Set(['new', 'drafts', 'feed'])

/** The policy facts of one post. */
export async function postResource(db: Executor, post: PostRow) {
  return { spaceId: post.space_id, visibleFrom: post.status === 'published' ? post.published_at : null, authorIds: await authorIdsOf(db, post.id), hiddenAt: post.hidden_at }
}

/** Loads a post the actor may view, or throws 404 (drafts of others, private communities, hidden posts). */
export async function viewablePost(db: Executor, actor: Actor, slug: string): Promise<{ post: PostRow; authorIds: string[] }> {
  const post = await findPostBySlug(db, slug)
  if (!post) throw notFound('Post')
  const resource = await postResource(db, post)
  if (!(await can(db, actor, 'view', resource))) throw notFound('Post')
  return { post, authorIds: resource.authorIds }
}

/** Loads a post the actor may edit (its authors, community moderators, admins), or throws 404. */
export async function editablePost(db: Executor, actor: Actor, slug: string): Promise<{ post: PostRow; authorIds: string[] }> {
  const post = await findPostBySlug(db, slug)
  if (!post) throw notFound('Post')
  const resource = await postResource(db, post)
  if (!(await can(db, actor, 'view', resource)) || !(await can(db, actor, 'edit', resource))) throw notFound('Post')
  return { post, authorIds: resource.authorIds }
}

/** Normalised, de-duplicated tags; invalid ones reported as a field error. */
export function cleanTags(tags: string[]): { tags: string[]; error?: string } {
  const out = [...new Set(tags.map(normaliseTag).filter(Boolean))]
  if (out.length > 10) return { tags: out, error: 'Tags: enter 10 or fewer' }
  if (out.some((t) => t.length > 30)) return { tags: out, error: 'Tags: each must be 30 characters or fewer' }
  return { tags: out }
}

/** A summary for lists: the author's own, or the first words of the post. */
export function excerptOf(summary: string, body: string): string {
  if (summary.trim()) return summary.trim()
  // Headings ("## What we did") make poor summaries: leave them out.
  const words = markdownToText(body.replace(/^ {0,3}#{1,6}\s.*$/gm, '')).split(' ')
  return words.length > 40 ? `${words.slice(0, 40).join(' ')}…` : words.join(' ')
}

async function uniqueSlug(db: Executor, table: 'posts' | 'series', text: string): Promise<string> {
  let base = slugify(text)
  if (table === 'posts' && RESERVED.has(base)) base = `${base}-post`
  const taken = new Set((await db.selectFrom(table).select('slug').where((eb) => eb.or([eb('slug', '=', base), eb('slug', 'like', `${base}-%`)])).execute()).map((r) => r.slug))
  if (!taken.has(base)) return base
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`
}

/**
 * Creates (existing = null) or updates a post from validated form input, in the caller's
 * transaction: checks co-authors, project, organisation, community and series, numbers the
 * post in its series, renders the Markdown, and re-indexes it for search.
 * Throws `invalid(fields)` with form messages.
 */
export async function savePost(db: Executor, actor: Actor & { userId: string }, input: PostInput, existing: PostRow | null): Promise<PostRow> {
  const errors: FieldErrors = {}
  const t = now()

  const tags = cleanTags(input.tags)
  if (tags.error) errors.tags = tags.error

  const primaryId = existing?.author_id ?? actor.userId
  const people = await peopleByHandles(db, input.coauthors)
  const found = new Set(people.map((p) => p.handle))
  const missing = input.coauthors.map((h) => h.replace(/^@/, '').toLowerCase()).filter((h) => !found.has(h))
  if (missing.length) errors.coauthors = `There is no one with the handle ${missing[0]}`
  const coauthorIds = people.map((p) => p.id).filter((id) => id !== primaryId)

  const project = input.project ? await findProjectBySlug(db, input.project) : null
  if (input.project && !project) errors.project = 'Select a project from the list'
  const organisation = input.organisation ? await findOrganisationBySlug(db, input.organisation) : null
  if (input.organisation && !organisation) errors.organisation = 'Select an organisation from the list'

  let spaceId: string | null = null
  if (input.community) {
    if (input.community === existing?.space_id) spaceId = existing.space_id
    else {
      const spaces = await activeSpacesOf(db, actor.userId)
      if (spaces.some((s) => s.id === input.community)) spaceId = input.community
      else errors.community = 'Select a community you are a member of'
    }
  }

  let seriesId: string | null = null
  if (input.newSeries) {
    if (input.series) errors.newSeries = 'Choose an existing series or enter a new series title, not both'
  } else if (input.series) {
    const series = await db.selectFrom('series').select(['id', 'owner_id']).where('id', '=', input.series).executeTakeFirst()
    if (!series || (series.owner_id !== actor.userId && series.id !== existing?.series_id)) errors.series = 'Select a series from the list'
    else seriesId = series.id
  }

  let status: 'draft' | 'published' = 'draft'
  let publishedAt: string | null = null
  if (input.publish === 'publish') {
    status = 'published'
    const alreadyLive = existing?.status === 'published' && existing.published_at !== null && existing.published_at <= t
    publishedAt = alreadyLive ? existing!.published_at : t
  } else if (input.publish === 'schedule') {
    status = 'published'
    if (!input.publishAt) errors.publishAt = 'Enter the date and time to publish'
    else if (input.publishAt <= t) errors.publishAt = 'The publication date and time must be in the future'
    publishedAt = input.publishAt
  }

  if (Object.keys(errors).length) throw invalid(errors)

  if (input.newSeries) {
    seriesId = newId()
    await db.insertInto('series').values({ id: seriesId, slug: await uniqueSlug(db, 'series', input.newSeries), title: input.newSeries, owner_id: actor.userId, created_at: t }).execute()
  }
  let seriesNumber: number | null = null
  if (seriesId) {
    if (existing && existing.series_id === seriesId && existing.series_number !== null) seriesNumber = Number(existing.series_number)
    else {
      const row = await db.selectFrom('posts').select((eb) => eb.fn.max('series_number').as('n')).where('series_id', '=', seriesId).executeTakeFirst()
      seriesNumber = Number(row?.n ?? 0) + 1
    }
  }

  const values = {
    title: input.title,
    body: input.body,
    body_html: renderMarkdown(input.body),
    summary: input.summary,
    excerpt: excerptOf(input.summary, input.body),
    learned: input.learned,
    status,
    published_at: publishedAt,
    project_id: project?.id ?? null,
    organisation_id: organisation?.id ?? null,
    space_id: spaceId,
    series_id: seriesId,
    series_number: seriesNumber,
    updated_at: t,
  }
  let id: string
  if (existing) {
    id = existing.id
    await db.updateTable('posts').set(values).where('id', '=', id).execute()
    await db.deleteFrom('post_tags').where('post_id', '=', id).execute()
    await db.deleteFrom('post_authors').where('post_id', '=', id).execute()
  } else {
    id = newId()
    await db
      .insertInto('posts')
      .values({ id, slug: await uniqueSlug(db, 'posts', input.title), author_id: actor.userId, hidden_at: null, created_at: t, ...values })
      .execute()
  }
  await db
    .insertInto('post_authors')
    .values([primaryId, ...coauthorIds].map((userId, position) => ({ post_id: id, user_id: userId, position })))
    .execute()
  if (tags.tags.length) await db.insertInto('post_tags').values(tags.tags.map((tag) => ({ post_id: id, tag }))).execute()
  const saved = (await findPostById(db, id))!
  await indexPost(db, saved, tags.tags)
  return saved
}

/** Writes the post to the search index with the same visibility facts the pages use. */
export async function indexPost(db: Executor, post: PostRow, tags?: string[]): Promise<void> {
  const tagList = tags ?? (await db.selectFrom('post_tags').select('tag').where('post_id', '=', post.id).execute()).map((r) => r.tag)
  await indexDocument(db, {
    type: 'post',
    id: post.id,
    title: post.title,
    body: [post.summary, markdownToText(post.body), post.learned, tagList.join(' ')].filter(Boolean).join('\n'),
    url: `/posts/${post.slug}`,
    spaceId: post.space_id,
    // Hidden or draft: nobody but admins finds it; scheduled: found from its time.
    visibleFrom: post.hidden_at ? null : post.status === 'published' ? post.published_at : null,
  })
}

/** Adds a comment and notifies the post's authors. The caller has checked the post is visible. */
export async function addComment(db: Executor, actor: Actor & { userId: string }, post: PostRow, input: Values<typeof commentSchema>, authorIds: string[], actorName: string): Promise<string> {
  const id = newId()
  await db
    .insertInto('comments')
    .values({ id, post_id: post.id, author_id: actor.userId, body: input.comment, body_html: renderMarkdown(input.comment), hidden_at: null, created_at: now() })
    .execute()
  await notify(
    db,
    authorIds.map((userId) => ({ userId, kind: 'comment' as const, text: `${actorName} commented on “${post.title}”`, url: `/posts/${post.slug}#comment-${id}`, spaceId: post.space_id })),
    actor.userId,
  )
  return id
}

/** Moderation: hides or restores a post and updates the search index to match. */
export async function setPostHidden(db: Executor, id: string, hidden: boolean): Promise<void> {
  await db.updateTable('posts').set({ hidden_at: hidden ? now() : null }).where('id', '=', id).execute()
  const post = await findPostById(db, id)
  if (post) await indexPost(db, post)
}

/** Moderation: hides or restores a comment (comments are not in the search index). */
export async function setCommentHidden(db: Executor, id: string, hidden: boolean): Promise<void> {
  await db.updateTable('comments').set({ hidden_at: hidden ? now() : null }).where('id', '=', id).execute()
}
