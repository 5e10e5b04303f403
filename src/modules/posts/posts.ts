import type { Db } from '../../core/db/database.ts'
import { freeSlug, newId, now, slugify } from '../../core/db/ids.ts'
import { can } from '../../core/access/can.ts'
import type { ContentFacts } from '../../core/access/spaces.policy.ts'
import type { Actor } from '../../core/access/policy.ts'
import { activeSpacesOf, spacesByIds } from '../../core/access/spaces.ts'
import { indexDocument } from '../../core/search/search.ts'
import { holdForApproval } from '../../core/access/trust.ts'
import { heldStatesOf } from '../../core/access/held.ts'
import { invalid, notFound, type FieldErrors } from '../../core/errors.ts'
import type { Values } from '../../core/http/forms.ts'
import { markdownToText, renderMarkdown, sanitizeUserHtml } from '../../core/markdown/markdown.ts'
import { notify, notifyWhenShown } from '../notifications/notifications.ts'
import { peopleByHandles, peopleByIds } from '../accounts/accounts.ts'
import { noteOrganisationActivity, organisationsByIds, visibleOrganisationBySlug } from '../organisations/organisations.ts'
import { noteProjectActivity, projectsByIds, visibleProjectBySlug } from '../projects/projects.ts'
import {
  authorIdsOf,
  commentRows,
  draftRows,
  findPostById,
  findPostBySlug,
  findPostSource,
  insertPostSource,
  setImportedBody,
  findSeries,
  insertComment,
  insertSeries,
  listPostRows,
  nextSeriesNumber,
  postParts,
  publishedRowsByIds,
  setCommentHiddenAt,
  setPostHiddenAt,
  slugsLike,
  tagsOfPost,
  writePost,
  type CardRow,
  type ListOptions,
  type PostRow,
} from './posts.queries.ts'
import { normaliseTag, type postSchema, type commentSchema } from './posts.schemas.ts'
import { attachImages, sizeImages } from './images.ts'

export type PostInput = Values<typeof postSchema>
export type { ListOptions, PostRow }

/** Slugs that name pages of their own under /posts. */
const RESERVED = new Set(['new', 'drafts', 'feed'])

/** A person as a post credits them: linked only when their profile is public. */
export interface PersonRef {
  id: string
  handle: string
  name: string
  public: boolean
}

export interface LinkRef {
  id: string
  slug: string
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

/** The policy facts of one post. */
export async function postFacts(db: Db, post: PostRow): Promise<ContentFacts> {
  return { spaceId: post.space_id, visibleFrom: post.status === 'published' ? post.published_at : null, authorIds: await authorIdsOf(db, post.id), hiddenAt: post.hidden_at }
}

/** Loads a post the actor may view, or throws 404 (drafts of others, private communities, hidden posts). */
export async function viewablePost(db: Db, actor: Actor, slug: string): Promise<{ post: PostRow; facts: ContentFacts }> {
  const post = await findPostBySlug(db, slug)
  if (!post) throw notFound('Post')
  const facts = await postFacts(db, post)
  if (!(await can(db, actor, 'view', 'post', facts))) throw notFound('Post')
  return { post, facts }
}

/** Loads a post the actor may edit (its authors and co-authors), or throws 404. */
export async function editablePost(db: Db, actor: Actor, slug: string): Promise<{ post: PostRow; facts: ContentFacts }> {
  const post = await findPostBySlug(db, slug)
  if (!post) throw notFound('Post')
  const facts = await postFacts(db, post)
  if (!(await can(db, actor, 'edit', 'post', facts))) throw notFound('Post')
  return { post, facts }
}

/** Published posts the actor may read, newest first, with everything a card shows. */
export async function listPosts(db: Db, actor: Actor, options: ListOptions = {}): Promise<{ items: PostCard[]; next: string | null }> {
  const page = await listPostRows(db, actor, options)
  return { items: await hydrate(db, actor, page.items), next: page.next }
}

/** What /posts/drafts shows of a draft or scheduled post. */
export interface DraftCard {
  url: string
  title: string
  status: PostRow['status']
  publishedAt: string | null
  updatedAt: string
  hiddenAt: string | null
}

/** Drafts and scheduled posts the reader is an author or co-author of (read through their facts: draftRows). */
export async function draftsOf(db: Db, actor: Actor): Promise<DraftCard[]> {
  return (await draftRows(db, actor)).map((r) => ({ url: `/posts/${r.slug}`, title: r.title, status: r.status, publishedAt: r.published_at, updatedAt: r.updated_at, hiddenAt: r.hidden_at }))
}

/**
 * Batch-loads authors, tags, series, and the projects, organisations and communities a page of
 * posts belongs to. A project or organisation the reader may not see is left out of the card.
 */
export async function hydrate(db: Db, actor: Actor, rows: CardRow[]): Promise<PostCard[]> {
  if (rows.length === 0) return []
  const ids = rows.map((r) => r.id)
  const seriesIds = [...new Set(rows.flatMap((r) => (r.series_id ? [r.series_id] : [])))]
  const parts = await postParts(db, ids, seriesIds)
  const [people, projects, organisations, spaces] = await Promise.all([
    peopleByIds(db, parts.authors.map((a) => a.user_id)),
    projectsByIds(db, actor, rows.flatMap((r) => (r.project_id ? [r.project_id] : []))),
    organisationsByIds(db, actor, rows.flatMap((r) => (r.organisation_id ? [r.organisation_id] : []))),
    spacesByIds(db, rows.flatMap((r) => (r.space_id ? [r.space_id] : []))),
  ])
  const credited = parts.authors.filter((a) => people.has(a.user_id))
  const authors = group(credited, (a) => a.post_id, (a) => personRef(people.get(a.user_id)!))
  const tags = group(parts.tags, (t) => t.post_id, (t) => t.tag)
  const series = new Map(parts.series.map((s) => [s.id, s]))
  const link = (r: { id: string; slug: string; name: string } | undefined): LinkRef | null => (r ? { id: r.id, slug: r.slug, name: r.name } : null)
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
      project: link(r.project_id ? projects.get(r.project_id) : undefined),
      organisation: link(r.organisation_id ? organisations.get(r.organisation_id) : undefined),
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

const personRef = (p: { id: string; handle: string; name: string; public: boolean }): PersonRef => ({ id: p.id, handle: p.handle, name: p.name, public: p.public })

export interface CommentView {
  id: string
  bodyHtml: string
  createdAt: string
  hidden: boolean
  /** Hidden because it waits for a moderator's approval (trust levels), not because a moderator hid it. */
  pending: boolean
  author: PersonRef
}

/** Comments on a post the reader may already see, with their authors. */
export async function commentsOf(db: Db, actor: Actor, postId: string): Promise<CommentView[]> {
  const rows = await commentRows(db, actor, postId)
  const [people, held] = await Promise.all([peopleByIds(db, rows.map((r) => r.authorId)), heldStatesOf(db, 'comment', rows.filter((r) => r.hidden).map((r) => r.id))])
  return rows.flatMap((r) => {
    const p = people.get(r.authorId)
    return p ? [{ id: r.id, bodyHtml: r.bodyHtml, createdAt: r.createdAt, hidden: r.hidden, pending: r.hidden && held.get(r.id) === 'pending', author: personRef(p) }] : []
  })
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

async function uniqueSlug(db: Db, table: 'posts' | 'series', text: string): Promise<string> {
  // A post titled "New" gets "new-post": the bare word is a page of its own.
  const title = table === 'posts' && RESERVED.has(slugify(text)) ? `${text} post` : text
  return freeSlug(title, (base) => slugsLike(db, table, base), { fallback: 'item', max: 60 })
}

/**
 * Creates (existing = null) or updates a post from validated form input, in the caller's
 * transaction: checks co-authors, project, organisation, community and series, numbers the
 * post in its series, renders the Markdown, and re-indexes it for search. A post shows on a
 * project's or organisation's page, so attaching it there needs the policy's `contribute`
 * (the project's team, the organisation's members); a post already attached keeps its link.
 * Throws `invalid(fields)` with form messages.
 */
export async function savePost(db: Db, actor: Actor & { userId: string }, input: PostInput, existing: PostRow | null): Promise<PostRow> {
  const errors: FieldErrors = {}
  const t = now()

  const tags = cleanTags(input.tags)
  if (tags.error) errors.tags = tags.error

  const primaryId = existing?.author_id ?? actor.userId
  const people = await peopleByHandles(db, input.coauthors)
  const missing = input.coauthors.map((h) => h.replace(/^@/, '').toLowerCase()).filter((h) => !people.has(h))
  if (missing.length) errors.coauthors = `There is no one with the handle ${missing[0]}`
  const coauthorIds = [...people.values()].map((p) => p.id).filter((id) => id !== primaryId)

  const project = input.project ? await visibleProjectBySlug(db, actor, input.project) : null
  if (input.project && (!project || (project.id !== existing?.project_id && !(await can(db, actor, 'contribute', 'project', project))))) errors.project = 'Select a project whose team you are on'
  const organisation = input.organisation ? await visibleOrganisationBySlug(db, actor, input.organisation) : null
  if (input.organisation && (!organisation || (organisation.id !== existing?.organisation_id && !(await can(db, actor, 'contribute', 'organisation', organisation))))) {
    errors.organisation = 'Select an organisation you are a member of'
  }

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
    const series = await findSeries(db, input.series)
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
    await insertSeries(db, { id: seriesId, slug: await uniqueSlug(db, 'series', input.newSeries), title: input.newSeries, owner_id: actor.userId, created_at: t })
  }
  let seriesNumber: number | null = null
  if (seriesId) seriesNumber = existing && existing.series_id === seriesId && existing.series_number !== null ? Number(existing.series_number) : await nextSeriesNumber(db, seriesId)

  const id = existing?.id ?? newId()
  const slug = existing?.slug ?? (await uniqueSlug(db, 'posts', input.title))
  // Trust levels: a new account's published post with links waits for a moderator (hidden until approved).
  const heldAt = status === 'published' ? await holdForApproval(db, actor, { type: 'post', id, spaceId, title: input.title, url: `/posts/${slug}`, text: [input.title, input.summary, input.body, input.learned].join('\n\n') }) : null
  // When readers first see it and followers hear of it (decision 0038): kept once that time has come; a scheduled
  // post's time until then; null while it is a draft or waits for approval (approval sets it: setPostHiddenAt).
  const hiddenNow = existing ? (existing.hidden_at ?? heldAt) : heldAt
  const shownAlready = existing?.shown_at && existing.shown_at <= t ? existing.shown_at : null
  const shownAt = shownAlready ?? (status === 'published' && !hiddenNow ? publishedAt : null)
  const values = {
    id,
    title: input.title,
    body: input.body,
    // Images uploaded for posts get their size, so the page does not jump as they load (images.ts).
    body_html: await sizeImages(db, renderMarkdown(input.body)),
    summary: input.summary,
    excerpt: excerptOf(input.summary, input.body),
    learned: input.learned,
    status,
    published_at: publishedAt,
    shown_at: shownAt,
    project_id: project?.id ?? null,
    organisation_id: organisation?.id ?? null,
    space_id: spaceId,
    series_id: seriesId,
    series_number: seriesNumber,
    updated_at: t,
  }
  const fresh = existing ? (heldAt && !existing.hidden_at ? { hidden_at: heldAt } : {}) : { slug, author_id: actor.userId, hidden_at: heldAt, created_at: t }
  await writePost(db, { ...values, ...fresh }, !existing, [primaryId, ...coauthorIds], tags.tags)
  // The images its body uses that its authors uploaded now belong to it, and are as visible as it is.
  await attachImages(db, id, [primaryId, ...coauthorIds], input.body)
  const saved = (await findPostById(db, id))!
  await indexPost(db, saved, tags.tags)
  // A published post about a project or organisation is a sign of life for the directory ("is this still live?").
  if (saved.status === 'published' && !saved.hidden_at && saved.published_at && saved.published_at <= t) {
    if (saved.project_id) await noteProjectActivity(db, saved.project_id, t)
    if (saved.organisation_id) await noteOrganisationActivity(db, saved.organisation_id, t)
  }
  return saved
}

/** Writes the post to the search index with the same visibility facts the pages use. */
export async function indexPost(db: Db, post: PostRow, tags?: string[]): Promise<void> {
  const tagList = tags ?? (await tagsOfPost(db, post.id))
  await indexDocument(db, {
    type: 'post',
    id: post.id,
    title: post.title,
    body: [post.summary, markdownToText(post.body), post.learned, tagList.join(' ')].filter(Boolean).join('\n'),
    url: `/posts/${post.slug}`,
    spaceId: post.space_id,
    // Hidden or draft: nobody finds it; scheduled: found from its time.
    visibleFrom: post.hidden_at ? null : post.status === 'published' ? post.published_at : null,
  })
}

/**
 * Adds a comment and notifies the post's authors. The caller has checked the actor may take part. A new
 * account's comment with links waits for a moderator (trust levels): its authors are notified once it is approved.
 */
export async function addComment(db: Db, actor: Actor & { userId: string }, post: PostRow, input: Values<typeof commentSchema>, authorIds: string[], actorName: string): Promise<{ id: string; held: boolean }> {
  const id = newId()
  const heldAt = await holdForApproval(db, actor, { type: 'comment', id, spaceId: post.space_id, title: `Comment on “${post.title}”: ${input.comment.slice(0, 80)}`, url: `/posts/${post.slug}#comment-${id}`, text: input.comment })
  await insertComment(db, { id, post_id: post.id, author_id: actor.userId, body: input.comment, body_html: renderMarkdown(input.comment), hidden_at: heldAt, created_at: now() })
  await notifyWhenShown(
    db,
    { type: 'comment', id, heldAt },
    authorIds.map((userId) => ({ userId, kind: 'comment' as const, text: `${actorName} commented on “${post.title}”`, url: `/posts/${post.slug}#comment-${id}`, spaceId: post.space_id })),
    actor.userId,
  )
  return { id, held: heldAt !== null }
}

/** Moderation: hides or restores a post and updates the search index to match. */
export async function setPostHidden(db: Db, id: string, hidden: boolean): Promise<void> {
  await setPostHiddenAt(db, id, hidden ? now() : null)
  const post = await findPostById(db, id)
  if (post) await indexPost(db, post)
}

/** Moderation: hides or restores a comment (comments are not in the search index). */
export async function setCommentHidden(db: Db, id: string, hidden: boolean): Promise<void> {
  await setCommentHiddenAt(db, id, hidden ? now() : null)
}

// ---------------------------------------------------------------- for other modules

/**
 * Published posts among `ids` the actor may read, as cards, keyed by id: for a module that links posts
 * (a charter pilot's progress updates). Drafts, scheduled, hidden and out-of-reach posts are left out.
 */
export async function postsByIds(db: Db, actor: Actor, ids: string[]): Promise<Map<string, PostCard>> {
  const cards = await hydrate(db, actor, await publishedRowsByIds(db, actor, ids))
  return new Map(cards.map((c) => [c.id, c]))
}

/** The published post at this slug if the actor may read it, as a card; else null (to link a post by its address). */
export async function publishedPostBySlug(db: Db, actor: Actor, slug: string): Promise<PostCard | null> {
  const post = await findPostBySlug(db, slug)
  if (!post) return null
  return (await postsByIds(db, actor, [post.id])).get(post.id) ?? null
}

// ---------------------------------------------------------------- syndicated posts (feeds in)

/** A post from an external blog's feed, credited to where it was first published. */
export interface SyndicatedPostInput {
  title: string
  /** The item's HTML as the feed gave it: sanitised here by the same allow-list as rendered Markdown. */
  html: string
  /** When the source published it (a future date counts as now). */
  publishedAt: string
  canonicalUrl: string
  sourceName: string
  originalAuthor: string
  /** A project whose team the actor is on ('' for none). */
  project: string
}

/**
 * Publishes an item of a blog's feed as a post by the actor (the member who registered the feed), with
 * "originally published at" and the source as its canonical link. Its Markdown source is the item's text,
 * its page the sanitised original HTML. In the caller's transaction; the same checks as any post.
 */
export async function importSyndicatedPost(db: Db, actor: Actor & { userId: string }, input: SyndicatedPostInput): Promise<PostRow> {
  const bodyHtml = sanitizeUserHtml(input.html)
  const text = bodyHtml.replace(/<\/(p|li|h\d|blockquote|pre|tr)>/g, '\n\n').replace(/<br\s*\/?>/g, '\n').replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&').replace(/\n{3,}/g, '\n\n').trim()
  const saved = await savePost(
    db,
    actor,
    {
      title: input.title.slice(0, 150) || input.canonicalUrl.slice(0, 150),
      summary: '',
      body: (text || `Originally published at ${input.canonicalUrl}`).slice(0, 50_000),
      learned: '',
      tags: [],
      series: '',
      newSeries: '',
      coauthors: [],
      project: input.project,
      organisation: '',
      community: '',
      publish: 'publish',
      publishAt: null,
    },
    null,
  )
  const t = now()
  const publishedAt = input.publishedAt < t ? input.publishedAt : t
  await setImportedBody(db, saved.id, bodyHtml || renderMarkdown(saved.body), publishedAt)
  await insertPostSource(db, { post_id: saved.id, canonical_url: input.canonicalUrl, source_name: input.sourceName.slice(0, 200), original_author: input.originalAuthor.slice(0, 200) })
  const imported = (await findPostById(db, saved.id))!
  await indexPost(db, imported)
  return imported
}

/** Where a post was first published, if it came from a feed. */
export async function sourceOfPost(db: Db, postId: string): Promise<{ canonicalUrl: string; sourceName: string; originalAuthor: string } | null> {
  const s = await findPostSource(db, postId)
  return s ? { canonicalUrl: s.canonical_url, sourceName: s.source_name, originalAuthor: s.original_author } : null
}

