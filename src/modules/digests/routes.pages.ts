import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { signedIn, type Actor } from '../../core/access/policy.ts'
import { notFound, type FieldErrors } from '../../core/errors.ts'
import { registerFeeds } from '../../core/feeds/feeds.ts'
import { submitForm } from '../../core/http/forms.ts'
import { pageSize } from '../../core/http/pagination.ts'
import { cursor, done, params, query, slug } from '../../core/http/schemas.ts'
import { submissionTokenIn, submitOnce } from '../../core/http/submissions.ts'
import { deliveryCounts } from './digests.queries.ts'
import { digestEditors, digestEntries, digestSubscription, draftsOf, editableDigest, listDigests, mayCompose, pickChoices, publishDigest, saveDigest, setDigestSubscription, setEditor, viewableDigest, type DigestRow } from './digests.ts'
import { digestSchema } from './digests.schemas.ts'
import { itemsOfDigest } from './digests.queries.ts'

type Params = { slug: string }
const DONE: Record<string, string> = {
  subscribed: 'You will get the editors’ digests by e-mail',
  unsubscribed: 'You will not get digests by e-mail any more',
  saved: 'Draft saved. This is how it will look.',
  published: 'Published, and on its way to subscribers',
  editors: 'Editors updated',
}
const crumbs = [{ text: 'Home', href: '/' }, { text: 'Digests', href: '/digests' }]
const signIn = (reply: FastifyReply, path: string) => reply.redirect(`/sign-in?next=${encodeURIComponent(path)}`, 303)
const flashOf = (request: FastifyRequest) => {
  const d = (request.query as { done?: string }).done
  return d ? DONE[d] : undefined
}

/** Digests: the archive and subscribing, composing (editors), previewing and publishing; editors granted by admins. */
export const digestsPages: FastifyPluginAsync = async (app) => {
  const db = app.db

  app.get('/digests', { config: { serves: 'page', cache: true, cacheQuery: ['cursor', 'done'] }, schema: { querystring: query({ cursor, done }) } }, async (request, reply) => {
    const actor = request.actor
    const q = request.query as { cursor?: string }
    const [page, subscribed, drafts, composer] = await Promise.all([
      listDigests(db, actor, { cursor: q.cursor, limit: 20 }),
      actor.userId ? digestSubscription(db, actor.userId) : false,
      draftsOf(db, actor),
      mayCompose(db, actor),
    ])
    return reply.render('digests/index.njk', {
      title: 'Digests',
      breadcrumbs: crumbs.slice(0, 1),
      digests: page.items,
      next: page.next ? `/digests?cursor=${page.next}` : null,
      subscribed,
      drafts,
      composer,
      noindex: Boolean(q.cursor),
      feeds: [{ type: 'application/atom+xml', href: '/digests/feed.atom', title: 'Digests (Atom)' }, { type: 'application/rss+xml', href: '/digests/feed.rss', title: 'Digests (RSS)' }, { type: 'application/feed+json', href: '/digests/feed.json', title: 'Digests (JSON Feed)' }],
      flash: flashOf(request),
    })
  })

  app.post('/digests/subscription', { config: { invalidates: [] } }, async (request, reply) => {
    if (!signedIn(request.actor)) return signIn(reply, '/digests')
    const on = (request.body as Record<string, unknown> | undefined)?.subscribe === 'yes'
    await setDigestSubscription(db, request.actor.userId, on)
    return reply.redirect(`/digests?done=${on ? 'subscribed' : 'unsubscribed'}`, 303)
  })

  registerFeeds(app, '/digests', async (_request, actor) => {
    const base = app.config.baseUrl
    const { items } = await listDigests(db, actor, { limit: 20 })
    const entries = await Promise.all(items.map((d) => digestEntries(db, actor, d, base)))
    const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
    return {
      title: 'Digests – Openly',
      description: 'Editors’ digests of the reading list and posts on Openly',
      link: `${base}/digests`,
      items: items.map((d, i) => ({
        id: `${base}/digests/${d.slug}`,
        link: `${base}/digests/${d.slug}`,
        title: d.title,
        contentHtml: d.intro_html + entries[i]!.map((e) => `<h2><a href="${esc(e.url)}">${esc(e.title)}</a></h2><p>${esc(e.summary)}</p>`).join(''),
        summary: d.intro.slice(0, 300),
        published: d.published_at!,
        updated: d.updated_at,
        authors: [],
      })),
    }
  })

  async function renderForm(request: FastifyRequest, reply: FastifyReply, digest: DigestRow | null, values: Record<string, unknown>, errors?: FieldErrors) {
    const choices = await pickChoices(db, request.actor)
    const picked = (name: string) => new Set(Array.isArray(values[name]) ? (values[name] as string[]) : String(values[name] ?? '').split(',').map((s) => s.trim()))
    const mark = (list: Array<{ value: string; text: string }>, name: string) => list.map((c) => ({ ...c, checked: picked(name).has(c.value) }))
    return reply.code(errors ? 422 : 200).render('digests/form.njk', {
      title: digest ? `Edit “${digest.title}”` : 'Compose a digest',
      breadcrumbs: crumbs,
      action: digest ? `/digests/${digest.slug}/edit` : '/digests/new',
      creating: !digest,
      values,
      errors,
      readingItems: mark(choices.reading, 'reading'),
      postItems: mark(choices.posts, 'posts'),
      noindex: true,
    })
  }

  app.get('/digests/new', { config: { serves: 'form' }, schema: { querystring: query({}) } }, async (request, reply) => {
    if (!request.user) return signIn(reply, '/digests/new')
    if (!(await mayCompose(db, request.actor))) throw notFound()
    return renderForm(request, reply, null, {})
  })

  app.post('/digests/new', async (request, reply) => {
    if (!signedIn(request.actor)) return signIn(reply, '/digests/new')
    const actor = request.actor
    if (!(await mayCompose(db, actor))) throw notFound()
    return submitForm(request.body, digestSchema, {
      again: (values, errors) => renderForm(request, reply, null, values, errors),
      save: async (value) => {
        const { url } = await submitOnce(db, submissionTokenIn(request.body), actor.userId, async (trx) => `/digests/${(await saveDigest(trx, actor, value, null)).slug}?done=saved`)
        return reply.redirect(url, 303)
      },
    })
  })

  app.get('/digests/:slug', { config: { serves: 'page', cache: true, cacheQuery: ['done'], shows: 'digest' }, schema: { params: params({ slug }), querystring: query({ done }) } }, async (request, reply) => {
    const actor: Actor = request.actor
    const digest = await viewableDigest(db, actor, (request.params as Params).slug)
    const draft = digest.published_at === null
    const [entries, counts] = await Promise.all([digestEntries(db, actor, digest), draft ? null : actor.userId === digest.editor_id ? deliveryCounts(db, digest.id) : null])
    return reply.render('digests/show.njk', {
      title: digest.title,
      breadcrumbs: crumbs,
      digest,
      entries,
      draft,
      counts,
      noindex: draft,
      ogType: 'article',
      metaDescription: digest.intro.slice(0, 200),
      flash: flashOf(request),
    })
  })

  app.get('/digests/:slug/edit', { config: { serves: 'form', shows: 'digest' }, schema: { params: params({ slug }), querystring: query({}) } }, async (request, reply) => {
    const { slug: s } = request.params as Params
    if (!request.user) return signIn(reply, `/digests/${s}/edit`)
    const digest = await editableDigest(db, request.actor, s)
    const items = await itemsOfDigest(db, digest.id)
    return renderForm(request, reply, digest, { title: digest.title, intro: digest.intro, reading: items.filter((i) => i.kind === 'reading').map((i) => i.ref_id), posts: items.filter((i) => i.kind === 'post').map((i) => i.ref_id) })
  })

  app.post('/digests/:slug/edit', { schema: { params: params({ slug }) } }, async (request, reply) => {
    const { slug: s } = request.params as Params
    if (!signedIn(request.actor)) return signIn(reply, `/digests/${s}/edit`)
    const actor = request.actor
    const digest = await editableDigest(db, actor, s)
    return submitForm(request.body, digestSchema, {
      again: (values, errors) => renderForm(request, reply, digest, values, errors),
      save: async (value) => {
        await db.transaction().execute(async (trx) => saveDigest(trx, actor, value, await editableDigest(trx, actor, s)))
        return reply.redirect(`/digests/${s}?done=saved`, 303)
      },
    })
  })

  app.post('/digests/:slug/publish', { schema: { params: params({ slug }) } }, async (request, reply) => {
    const { slug: s } = request.params as Params
    if (!signedIn(request.actor)) return signIn(reply, `/digests/${s}`)
    const actor = request.actor
    const digest = await viewableDigest(db, actor, s)
    // Publishing twice (a double click, two tabs) publishes and sends once: the second finds it published.
    if (digest.published_at === null) await db.transaction().execute(async (trx) => publishDigest(trx, app.jobs, actor, digest))
    return reply.redirect(`/digests/${s}?done=published`, 303)
  })

  // ---------------------------------------------------------------- editors, granted by platform admins

  const renderEditors = async (request: FastifyRequest, reply: FastifyReply, values: Record<string, string> = {}, errors?: FieldErrors) =>
    reply.code(errors ? 422 : 200).render('digests/editors.njk', { title: 'Digest editors', breadcrumbs: [{ text: 'Admin', href: '/admin' }], editors: await digestEditors(db), values, errors, flash: flashOf(request), noindex: true })

  app.get('/admin/digest-editors', { config: { serves: 'form' }, schema: { querystring: query({ done }) } }, async (request, reply) => {
    if (!request.user) return signIn(reply, '/admin/digest-editors')
    if (!request.actor.isAdmin) throw notFound()
    return renderEditors(request, reply)
  })

  app.post('/admin/digest-editors', { config: { invalidates: [] } }, async (request, reply) => {
    if (!signedIn(request.actor) || !request.actor.isAdmin) throw notFound()
    const actor = request.actor
    const body = (request.body ?? {}) as Record<string, unknown>
    const handle = typeof body.handle === 'string' ? body.handle.trim().slice(0, 60) : ''
    if (!handle) return renderEditors(request, reply, { handle }, { handle: 'Enter the handle of the person' })
    try {
      await db.transaction().execute((trx) => setEditor(trx, actor, handle, body.editor !== 'no'))
    } catch (err) {
      const fields = (err as { fields?: FieldErrors }).fields
      if (fields) return renderEditors(request, reply, { handle }, fields)
      throw err
    }
    return reply.redirect('/admin/digest-editors?done=editors', 303)
  })
}
