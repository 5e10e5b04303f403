import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { cursor, filterQuery, id, limit, params, query, slug, text } from '../../core/http/schemas.ts'
import { userOf } from '../../core/http/input.ts'
import { can, spaceFacts } from '../../core/access/can.ts'
import { writesIn } from '../../core/cache/plugin.ts'
import { heldStateOf } from '../../core/access/held.ts'
import { notShareable } from '../../core/access/reader-trace.ts'
import type { Actor } from '../../core/access/policy.ts'
import { readerActiveSpaces, spaceByPath } from '../../core/access/spaces.ts'
import { AppError } from '../../core/errors.ts'
import { feedLinks, registerFeeds, type FeedSpec } from '../../core/feeds/feeds.ts'
import { parseInput } from '../../core/http/forms.ts'
import { pageSize } from '../../core/http/pagination.ts'
import { submissionTokenIn, submitOnce } from '../../core/http/submissions.ts'
import { renderMarkdown } from '../../core/markdown/markdown.ts'
import { toZonedLocal } from '../../core/time.ts'
import { imageMarkdown, imagesDir, storeImage, visibleImage, type ImageUpload } from './images.ts'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { addComment, commentsOf, draftsOf, editablePost, hydrate, listPosts, savePost, sourceOfPost, viewablePost, type LinkRef, type ListOptions, type PostCard, type PostRow } from './posts.ts'
import { readerSeries, seriesNeighbours } from './posts.queries.ts'
import { findVisiblePerson, movedHandle } from '../accounts/accounts.ts'
import { movedOrganisationSlug, readerOrganisations, visibleOrganisationBySlug } from '../organisations/organisations.ts'
import { movedProjectSlug, readerProjects, visibleProjectBySlug } from '../projects/projects.ts'
import { commentSchema, normaliseTag, postSchema } from './posts.schemas.ts'

type Params = { slug: string }

type Query = Record<string, string | undefined>

/** The first image in a post, as an absolute URL for sharing previews, or undefined. */
function firstImage(html: string, base: string): string | undefined {
  const src = /<img[^>]*\ssrc="([^"]+)"/.exec(html)?.[1]
  if (!src) return undefined
  return src.startsWith('/') && !src.startsWith('//') ? `${base}${src}` : src
}

/** Sends anonymous people to sign in and back; returns true when it did. */
function needsSignIn(request: FastifyRequest, reply: FastifyReply): boolean {
  if (request.user) return false
  reply.redirect(`/sign-in?next=${encodeURIComponent(request.url)}`, 303)
  return true
}

/** Where a list filter points ("tag", "project", "organisation", "author" query parameters). */
async function resolveFilters(request: FastifyRequest, query: { tag?: string; project?: string; organisation?: string; author?: string }): Promise<{ options: ListOptions; label: string | null; params: Record<string, string> } | null> {
  const db = request.server.db
  const options: ListOptions = {}
  const params: Record<string, string> = {}
  const labels: string[] = []
  if (query.tag) {
    const tag = normaliseTag(query.tag)
    if (!tag || tag.length > 30) return null
    options.tag = params.tag = tag
    labels.push(`tagged “${tag}”`)
  }
  if (query.project) {
    const project = await visibleProjectBySlug(db, request.actor, query.project)
    if (!project) return null
    options.projectId = project.id
    params.project = project.slug
    labels.push(`about ${project.name}`)
  }
  if (query.organisation) {
    const organisation = await visibleOrganisationBySlug(db, request.actor, query.organisation)
    if (!organisation) return null
    options.organisationId = organisation.id
    params.organisation = organisation.slug
    labels.push(`from ${organisation.name}`)
  }
  if (query.author) {
    const person = await findVisiblePerson(db, request.actor, query.author)
    if (!person) return null
    options.authorId = person.id
    params.author = person.handle
    labels.push(`by ${person.name}`)
  }
  return { options, label: labels.length ? labels.join(', ') : null, params }
}

function nextHref(path: string, params: Record<string, string>, next: string | null): string | null {
  if (!next) return null
  return `${path}?${new URLSearchParams({ ...params, cursor: next }).toString()}`
}

/** Form values (strings) for an existing post. */
function valuesOf(post: PostRow, card: PostCard, timeZone: string): Record<string, string> {
  const t = new Date().toISOString()
  return {
    title: post.title,
    summary: post.summary,
    body: post.body,
    learned: post.learned,
    tags: card.tags.join(', '),
    series: post.series_id ?? '',
    newSeries: '',
    coauthors: card.authors.slice(1).map((a) => a.handle).join(', '),
    project: card.project?.slug ?? '',
    organisation: card.organisation?.slug ?? '',
    community: post.space_id ?? '',
    publish: post.status === 'draft' ? 'draft' : post.published_at && post.published_at > t ? 'schedule' : 'publish',
    // The writer's own wall-clock time, in their zone (core/time.ts).
    publishAt: post.status === 'published' && post.published_at && post.published_at > t ? toZonedLocal(post.published_at, timeZone) : '',
  }
}

/**
 * Choices for the form's selects: the reader's series, projects, organisations and communities (plus the post's
 * current ones). Read as the reader's facts (and their standing, for communities), not by their id: the new-post form
 * is then shared by readers with the same choices, their header and tokens put in (decision 0042).
 */
async function formChoices(request: FastifyRequest, card: PostCard | null) {
  const db = request.server.db
  const [series, projects, organisations, spaces] = await Promise.all([readerSeries(db, request.actor), readerProjects(db, request.actor), readerOrganisations(db, request.actor), readerActiveSpaces(db, request.actor)])
  const withCurrent = (list: LinkRef[], current: LinkRef | null | undefined) => (current && !list.some((x) => x.id === current.id) ? [...list, current] : list)
  const seriesList = card?.series && !series.some((s) => s.id === card.series!.id) ? [...series, { id: card.series.id, title: card.series.title }] : series
  const spaceList: Array<{ id: string; name: string }> = card?.community && !spaces.some((s) => s.id === card.community!.id) ? [...spaces, card.community] : spaces
  return {
    seriesOptions: seriesList.map((s) => ({ value: s.id, text: s.title })),
    projectOptions: withCurrent(projects, card?.project).map((p) => ({ value: p.slug, text: p.name })),
    organisationOptions: withCurrent(organisations, card?.organisation).map((o) => ({ value: o.slug, text: o.name })),
    communityOptions: spaceList.map((s) => ({ value: s.id, text: s.name })),
  }
}

async function renderForm(request: FastifyRequest, reply: FastifyReply, data: { post: PostRow | null; card: PostCard | null; values: Record<string, unknown>; errors?: Record<string, string>; preview?: string; status?: number; flash?: string }) {
  const choices = await formChoices(request, data.card)
  const title = data.post ? `Edit “${data.post.title}”` : 'Write a post'
  const action = data.post ? `/posts/${data.post.slug}/edit` : '/posts/new'
  return reply.code(data.status ?? 200).render('posts/form.njk', {
    title,
    action,
    post: data.post,
    values: data.values,
    errors: data.errors,
    preview: data.preview,
    flash: data.flash,
    maxImageSize: `${Math.round(request.server.config.uploadMaxBytes / 1024 / 1024)} MB`,
    noindex: true,
    breadcrumbs: [{ text: 'Posts', href: '/posts' }, ...(data.post ? [{ text: data.post.title, href: `/posts/${data.post.slug}` }] : [])],
    ...choices,
  })
}

/** Form fields as strings, from a urlencoded body or a multipart one (where each field is { value }). */
function plainFields(body: unknown): Record<string, string> {
  const out: Record<string, string> = {}
  if (!body || typeof body !== 'object') return out
  for (const [key, field] of Object.entries(body as Record<string, unknown>)) {
    const value = field && typeof field === 'object' && 'value' in field ? (field as { value: unknown }).value : field
    if (typeof value === 'string') out[key] = value
  }
  return out
}

/** The image sent with a multipart post form (core/http/bodies.ts reads it), or null. */
function imagePart(request: FastifyRequest): ImageUpload | null {
  const file = request.upload
  return file && file.field === 'image' ? { fileName: file.fileName, data: file.data, truncated: file.truncated } : null
}

/** Handles a submitted post form: preview, validation errors (422), or save and redirect. */
async function submitPost(request: FastifyRequest, reply: FastifyReply, existing: { post: PostRow; card: PostCard } | null) {
  // The form is multipart (it can carry an image): fields arrive as { value } there, as strings otherwise.
  const body = plainFields(request.body)
  const raw: Record<string, string> = {}
  for (const key of [...Object.keys(postSchema), '_submission']) raw[key] = body[key] ?? ''
  const same = { post: existing?.post ?? null, card: existing?.card ?? null }
  if (body.action === 'image') {
    // Uploading an image keeps everything typed, and adds the image's Markdown to the end of the post.
    const stored = await storeImage(request.server.db, request.actor as Actor & { userId: string }, imagePart(request), body.imageAlt ?? '', { dataDir: request.server.config.dataDir, maxBytes: request.server.config.uploadMaxBytes })
    if (!stored.ok) return renderForm(request, reply, { ...same, values: { ...raw, imageAlt: body.imageAlt ?? '' }, errors: stored.errors, status: stored.status })
    const markdown = imageMarkdown(stored.image)
    const values = { ...raw, body: `${raw.body!.trimEnd()}${raw.body!.trim() ? '\n\n' : ''}${markdown}\n` }
    return renderForm(request, reply, { ...same, values, preview: renderMarkdown(values.body.slice(0, 50_000)), flash: `Image added at the end of your post as ${markdown}: move that line to where the image belongs` })
  }
  if (body.action === 'preview') {
    // Preview needs no JavaScript: the same form comes back with the rendered body above it.
    return renderForm(request, reply, { post: existing?.post ?? null, card: existing?.card ?? null, values: raw, preview: renderMarkdown(raw.body!.slice(0, 50_000)) })
  }
  // A scheduled time is typed in the writer's time zone.
  const parsed = parseInput(postSchema, raw, { timeZone: request.user!.timeZone })
  if (!parsed.ok) return renderForm(request, reply, { post: existing?.post ?? null, card: existing?.card ?? null, values: { ...raw, ...parsed.input }, errors: parsed.errors, status: 422 })
  const actor = request.actor as Actor & { userId: string }
  try {
    // A new post is made once per form, however often it is sent (core/http/submissions.ts).
    const token = existing ? null : submissionTokenIn(body)
    const { url } = await submitOnce(request.server.db, token, actor.userId, async (trx) => `/posts/${(await savePost(trx, actor, parsed.value, existing?.post ?? null)).slug}`)
    return reply.redirect(url, 303)
  } catch (err) {
    if (err instanceof AppError && err.status === 422 && err.fields) {
      return renderForm(request, reply, { post: existing?.post ?? null, card: existing?.card ?? null, values: raw, errors: err.fields, status: 422 })
    }
    throw err
  }
}

async function showPost(request: FastifyRequest, reply: FastifyReply, slug: string, extra: { errors?: Record<string, string>; values?: Record<string, string>; status?: number } = {}) {
  const db = request.server.db
  const actor = request.actor
  const { post, facts } = await viewablePost(db, actor, slug)
  const signedIn = request.user !== null
  const [cards, comments, neighbours, canEdit, canComment, canModerate, held] = await Promise.all([
    hydrate(db, actor, [post]),
    commentsOf(db, actor, post.id),
    seriesNeighbours(db, actor, post),
    can(db, actor, 'edit', 'post', facts),
    can(db, actor, 'participate', 'post', facts),
    // Comments live in their post's space: whoever moderates the post moderates them.
    signedIn ? can(db, actor, 'moderate', 'post', facts) : Promise.resolve(false),
    post.hidden_at ? heldStateOf(db, 'post', post.id) : Promise.resolve(null),
  ])
  // A post syndicated from a blog points search engines to where it was first published.
  const source = await sourceOfPost(db, post.id)
  const card = cards[0]!
  const t = new Date().toISOString()
  return reply.code(extra.status ?? 200).render('posts/show.njk', {
    title: post.title,
    post,
    card,
    comments,
    neighbours,
    canEdit,
    canComment,
    canModerate,
    pending: held === 'pending',
    isDraft: post.status === 'draft',
    isScheduled: post.status === 'published' && post.published_at !== null && post.published_at > t,
    errors: extra.errors,
    values: extra.values ?? {},
    noindex: post.status === 'draft' || post.hidden_at !== null,
    canonicalUrl: source?.canonicalUrl ?? `${request.server.config.baseUrl}/posts/${post.slug}`,
    source,
    metaDescription: post.excerpt,
    ogType: 'article',
    ogImage: firstImage(post.body_html, request.server.config.baseUrl),
    breadcrumbs: [{ text: 'Posts', href: '/posts' }],
  })
}

/** A feed spec from a page of posts the actor may read (titles and summaries as plain text: each format escapes them). */
async function feedOf(request: FastifyRequest, actor: Actor, title: string, description: string, pagePath: string, options: ListOptions): Promise<FeedSpec> {
  const base = request.server.config.baseUrl
  const { items } = await listPosts(request.server.db, actor, { ...options, limit: 20, withBody: true })
  return {
    title: title === 'Openly' ? title : `${title} – Openly`,
    description,
    link: `${base}${pagePath}`,
    items: items.map((p) => ({
      id: `${base}${p.url}`,
      link: `${base}${p.url}`,
      title: p.title,
      contentHtml: p.bodyHtml ?? '',
      summary: p.excerpt,
      published: p.publishedAt!,
      updated: p.updatedAt > p.publishedAt! ? p.updatedAt : p.publishedAt!,
      // Every co-author, linked where their profile is public.
      authors: p.authors.map((a) => (a.public ? { name: a.name, url: `${base}/people/${a.handle}` } : { name: a.name })),
      tags: p.tags,
    })),
  }
}

/** HTML routes: lists, the post page, the form, drafts, tags, comments, preview and feeds. */
export async function postsPages(plain: FastifyInstance): Promise<void> {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>()

  // Images in posts, as visible as the post they belong to (images.ts): never for a shared cache, revalidated by ETag.
  app.get('/images/:id', { config: { serves: 'file', shows: 'image' }, schema: { params: params({ id }) } }, async (request, reply) => {
    const image = await visibleImage(app.db, request.actor, request.params.id)
    if (!image) return reply.callNotFound()
    const data = await readFile(join(imagesDir(app.config.dataDir), image.storage_key)).catch(() => null)
    if (!data) return reply.callNotFound()
    return reply.type(image.mime_type).header('cache-control', 'private, no-cache').header('x-content-type-options', 'nosniff').header('content-disposition', 'inline').send(data)
  })

  app.get('/posts', { config: { serves: 'page', cache: true, filters: { tag: 'tag', project: 'project', organisation: 'organisation', author: 'person' } }, schema: { querystring: query({ tag: text(60), project: slug, organisation: slug, author: slug, cursor, limit }) } }, async (request, reply) => {
    const filters = await resolveFilters(request, request.query)
    if (!filters) return reply.callNotFound()
    const limit = pageSize(request.query.limit, 20, 50)
    const page = await listPosts(app.db, request.actor, { ...filters.options, cursor: request.query.cursor, limit })
    const title = filters.label ? `Posts ${filters.label}` : 'Posts and weeknotes'
    return reply.render('posts/index.njk', {
      title,
      posts: page.items,
      nextHref: nextHref('/posts', filters.params, page.next),
      firstHref: request.query.cursor ? `/posts${Object.keys(filters.params).length ? `?${new URLSearchParams(filters.params)}` : ''}` : null,
      filtered: filters.label !== null,
      noindex: filters.label !== null || Boolean(request.query.cursor),
      metaDescription: 'Posts and weeknotes from people and teams working in the open.',
      feeds: filters.params.tag && Object.keys(filters.params).length === 1 ? feedLinks(`/tags/${filters.params.tag}`, title) : feedLinks('/posts', 'Posts and weeknotes'),
    })
  })

  // Shared by readers with the same choices (formChoices; decision 0042): `cache: true` on a form serves only signed-in
  // readers (an anonymous one is sent to sign in before the cache is asked), each with their own tokens put in.
  app.get('/posts/new', { config: { serves: 'form', signIn: true, cache: true, cacheQuery: [] } }, async (request, reply) => {
    return renderForm(request, reply, { post: null, card: null, values: { publish: 'draft' } })
  })

  app.post('/posts/new', { config: { signIn: true, files: true } }, async (request, reply) => {
    return submitPost(request, reply, null)
  })

  // Kept for its reader between changes (draftsOf reads which posts are theirs as their facts; decision 0045). A
  // scheduled post leaves the list when its time comes: the cache's schedule knows every such time but a hidden post's
  // (held for approval), so a list with one is rendered for each request.
  app.get('/posts/drafts', { config: { serves: 'page', signIn: true, cache: true, cacheQuery: [] } }, async (request, reply) => {
    const posts = await draftsOf(app.db, request.actor)
    if (posts.some((p) => p.status === 'published' && p.hiddenAt !== null)) notShareable(request.actor, 'a hidden post scheduled for later')
    return reply.render('posts/drafts.njk', { title: 'Your drafts and scheduled posts', posts, noindex: true, breadcrumbs: [{ text: 'Posts', href: '/posts' }] })
  })

  app.get('/posts/:slug', { config: { serves: 'page', cache: true, shows: 'post' }, schema: { params: params({ slug }) } }, async (request, reply) => showPost(request, reply, request.params.slug))

  app.get('/posts/:slug/edit', { config: { serves: 'form', shows: 'post', signIn: true }, schema: { params: params({ slug }) } }, async (request, reply) => {
    const { post } = await editablePost(app.db, request.actor, request.params.slug)
    const card = (await hydrate(app.db, request.actor, [post]))[0]!
    return renderForm(request, reply, { post, card, values: valuesOf(post, card, request.user!.timeZone) })
  })

  app.post('/posts/:slug/edit', { config: { signIn: true, files: true }, schema: { params: params({ slug }) } }, async (request, reply) => {
    const { post } = await editablePost(app.db, request.actor, request.params.slug)
    const card = (await hydrate(app.db, request.actor, [post]))[0]!
    return submitPost(request, reply, { post, card })
  })

  app.post('/posts/:slug/comments', { config: { signIn: true }, schema: { params: params({ slug }) } }, async (request, reply) => {
    const actor = request.actor as Actor & { userId: string }
    const { post, facts } = await viewablePost(app.db, actor, request.params.slug)
    if (!(await can(app.db, actor, 'participate', 'post', facts))) throw new AppError('forbidden', 403, 'Only members of this community can comment')
    const parsed = parseInput(commentSchema, request.body)
    if (!parsed.ok) return showPost(request, reply, post.slug, { errors: parsed.errors, values: parsed.input, status: 422 })
    const { id } = await app.db.transaction().execute((trx) => addComment(trx, actor, post, parsed.value, facts.authorIds, request.user!.name))
    // A comment in a community anonymous readers cannot see keeps the page cache.
    const space = post.space_id ? await spaceFacts(app.db, actor, post.space_id) : null
    if (post.space_id && space) writesIn(request, { id: post.space_id, visibility: space.visibility })
    return reply.redirect(`/posts/${post.slug}#comment-${id}`, 303)
  })

  // The live preview's endpoint (src/core/assets/openly.js): just the sanitised fragment.
  app.post('/preview', { config: { invalidates: [], keepsSharedPages: true } }, async (request, reply) => {
    if (!request.user) throw new AppError('unauthorised', 401, 'Sign in to preview')
    const body = (request.body ?? {}) as Record<string, unknown>
    const source = typeof body.body === 'string' ? body.body : ''
    if (source.length > 50_000) throw new AppError('too_long', 422, 'Post must be 50000 characters or fewer')
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(renderMarkdown(source))
  })

  app.get('/tags/:tag', { config: { serves: 'page', cache: true, shows: 'tag' }, schema: { params: params({ tag: slug }), querystring: query({ cursor, limit }) } }, async (request, reply) => {
    const tag = normaliseTag(request.params.tag)
    if (!tag || tag.length > 30) return reply.callNotFound()
    if (tag !== request.params.tag) return reply.redirect(`/tags/${tag}`, 301)
    const page = await listPosts(app.db, request.actor, { tag, cursor: request.query.cursor, limit: pageSize(request.query.limit, 20, 50) })
    // A tag with nothing the reader may see does not exist for them.
    if (page.items.length === 0) return reply.callNotFound()
    return reply.render('posts/tag.njk', {
      title: `Posts tagged “${tag}”`,
      tag,
      posts: page.items,
      nextHref: nextHref(`/tags/${tag}`, {}, page.next),
      firstHref: request.query.cursor ? `/tags/${tag}` : null,
      noindex: Boolean(request.query.cursor),
      metaDescription: `Posts and weeknotes tagged “${tag}” on Openly.`,
      feeds: feedLinks(`/tags/${tag}`, `Posts tagged ${tag}`),
      breadcrumbs: [{ text: 'Posts', href: '/posts' }],
      // Other modules' sections about the tag (the Follow button).
      sections: await app.panels(request, 'tag', { id: tag, slug: tag }),
    })
  })

  registerPostFeeds(app)
}

/**
 * Feeds of every listing. A renamed project or organisation, a person's handle in other letter case and a
 * tag written another way answer 301 to the current feed, as their pages do, so subscriptions follow.
 */
function registerPostFeeds(app: FastifyInstance): void {
  registerFeeds(app, '/', (request, actor) => feedOf(request, actor, 'Openly', 'The latest posts and weeknotes on Openly', '/', {}))
  registerFeeds(app, '/posts', (request, actor) => feedOf(request, actor, 'Posts and weeknotes', 'The latest posts and weeknotes on Openly', '/posts', {}))
  registerFeeds(app, '/people/:handle', async (request, actor) => {
    const raw = request.params.handle
    const person = await findVisiblePerson(app.db, actor, raw)
    if (!person) {
      const moved = await movedHandle(app.db, actor, raw)
      return moved ? { movedTo: `/people/${moved}` } : null
    }
    if (person.handle !== raw) return { movedTo: `/people/${person.handle}` }
    return feedOf(request, actor, `Posts by ${person.name}`, `Posts and weeknotes by ${person.name}`, `/people/${person.handle}`, { authorId: person.id })
  }, { shows: 'person' })
  registerFeeds(app, '/projects/:slug', async (request, actor) => {
    const slug = request.params.slug
    const project = await visibleProjectBySlug(app.db, actor, slug)
    if (!project) {
      const moved = await movedProjectSlug(app.db, actor, slug)
      return moved ? { movedTo: `/projects/${moved}` } : null
    }
    return feedOf(request, actor, project.name, `Posts and weeknotes about ${project.name}`, `/projects/${project.slug}`, { projectId: project.id })
  }, { shows: 'project' })
  registerFeeds(app, '/organisations/:slug', async (request, actor) => {
    const slug = request.params.slug
    const organisation = await visibleOrganisationBySlug(app.db, actor, slug)
    if (!organisation) {
      const moved = await movedOrganisationSlug(app.db, actor, slug)
      return moved ? { movedTo: `/organisations/${moved}` } : null
    }
    return feedOf(request, actor, organisation.name, `Posts and weeknotes from ${organisation.name}`, `/organisations/${organisation.slug}`, { organisationId: organisation.id })
  }, { shows: 'organisation' })
  registerFeeds(app, '/tags/:tag', async (request, actor) => {
    const raw = request.params.tag
    const tag = normaliseTag(raw)
    if (!tag || tag.length > 30) return null
    const spec = await feedOf(request, actor, `Posts tagged ${tag}`, `Posts tagged “${tag}” on Openly`, `/tags/${tag}`, { tag })
    if (!spec.items.length) return null
    return tag === raw ? spec : { movedTo: `/tags/${tag}` }
  }, { shows: 'tag' })
  // Communities that are not public also have personal feed URLs for feed readers (core/feeds/feeds.ts).
  registerFeeds(app, '/communities/:slug', async (request, actor) => {
    const slug = request.params.slug
    if (!slug || slug.length > 100) return null
    const space = await spaceByPath(app.db, `/communities/${slug}`)
    if (!space || !(await can(app.db, actor, 'view', 'space', space))) return null
    return feedOf(request, actor, space.name, `Posts in ${space.name}`, space.path, { spaceId: space.id })
  }, { shows: 'community', personal: true })
}
