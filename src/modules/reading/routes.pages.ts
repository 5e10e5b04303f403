import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { can } from '../../core/access/can.ts'
import { heldStateOf } from '../../core/access/held.ts'
import { signedIn, type Actor } from '../../core/access/policy.ts'
import type { FieldErrors } from '../../core/errors.ts'
import { registerFeeds } from '../../core/feeds/feeds.ts'
import { submitForm } from '../../core/http/forms.ts'
import { pageSize } from '../../core/http/pagination.ts'
import { cursor, done, limit, params, query, slug } from '../../core/http/schemas.ts'
import { submissionTokenIn, submitOnce } from '../../core/http/submissions.ts'
import { addReadingItem, editableItem, listReading, readingCards, readingTags, removeReadingItem, updateReadingItem, viewableItem, type ReadingRow } from './reading.ts'
import { popularTags } from './reading.queries.ts'
import { readingSchema } from './reading.schemas.ts'

type Query = { cursor?: string; limit?: number; tag?: string; done?: string }
type Params = { slug: string }

const DONE: Record<string, string> = { added: 'Added to the reading list', saved: 'Changes saved', removed: 'Removed from the reading list' }
const crumbs = [{ text: 'Home', href: '/' }, { text: 'Reading list', href: '/reading' }]
const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
const signIn = (reply: FastifyReply, path: string) => reply.redirect(`/sign-in?next=${encodeURIComponent(path)}`, 303)

/** The reading list: the list (by tag), an item's page, adding, editing and removing, and its feeds. */
export const readingPages: FastifyPluginAsync = async (app) => {
  const db = app.db

  app.get('/reading', { config: { serves: 'page', cache: true, cacheQuery: ['cursor', 'limit', 'tag', 'done'] }, schema: { querystring: query({ cursor, limit, tag: slug, done }) } }, async (request, reply) => {
    const q = request.query as Query
    const tag = q.tag ? readingTags([q.tag])[0] : undefined
    const [page, tags] = await Promise.all([listReading(db, request.actor, { tag, cursor: q.cursor, limit: pageSize(q.limit, 20, 50) }), popularTags(db)])
    return reply.render('reading/index.njk', {
      title: tag ? `Reading list: ${tag}` : 'Reading list',
      breadcrumbs: tag ? crumbs : crumbs.slice(0, 1),
      tag,
      items: page.items,
      tags,
      next: page.next ? `/reading?${new URLSearchParams({ ...(tag ? { tag } : {}), cursor: page.next })}` : null,
      noindex: Boolean(tag || q.cursor),
      feeds: [{ type: 'application/atom+xml', href: '/reading/feed.atom', title: 'Reading list (Atom)' }, { type: 'application/rss+xml', href: '/reading/feed.rss', title: 'Reading list (RSS)' }, { type: 'application/feed+json', href: '/reading/feed.json', title: 'Reading list (JSON Feed)' }],
      flash: q.done ? DONE[q.done] : undefined,
    })
  })

  registerFeeds(app, '/reading', async (request, actor) => {
    const base = app.config.baseUrl
    const { items } = await listReading(db, actor, { limit: 30 })
    return {
      title: 'Reading list – Openly',
      description: 'Links worth reading, summarised by Openly’s members',
      link: `${base}/reading`,
      items: items.map((i) => ({
        id: `${base}${i.path}`,
        link: i.url,
        title: i.title,
        // Plain text in its member's words, escaped once, with the link it is about.
        contentHtml: `<p>${escapeHtml(i.summary)}</p><p><a href="${escapeHtml(i.url)}">${escapeHtml(i.url)}</a></p>`,
        summary: i.summary,
        published: i.createdAt,
        updated: i.updatedAt,
        authors: i.addedBy ? [i.addedBy.public ? { name: i.addedBy.name, url: `${base}/people/${i.addedBy.handle}` } : { name: i.addedBy.name }] : [],
        tags: i.tags,
      })),
    }
  })

  async function renderForm(request: FastifyRequest, reply: FastifyReply, item: ReadingRow | null, values: Record<string, string>, errors?: FieldErrors) {
    return reply.code(errors ? 422 : 200).render('reading/form.njk', {
      title: item ? `Edit “${item.title}”` : 'Add to the reading list',
      breadcrumbs: item ? [...crumbs, { text: item.title, href: `/reading/${item.slug}` }] : crumbs,
      action: item ? `/reading/${item.slug}/edit` : '/reading/new',
      creating: !item,
      values,
      errors,
      noindex: true,
    })
  }

  app.get('/reading/new', { config: { serves: 'form' }, schema: { querystring: query({}) } }, async (request, reply) => {
    if (!request.user) return signIn(reply, '/reading/new')
    return renderForm(request, reply, null, {})
  })

  app.post('/reading/new', async (request, reply) => {
    if (!signedIn(request.actor)) return signIn(reply, '/reading/new')
    const actor = request.actor
    return submitForm(request.body, readingSchema, {
      again: (values, errors) => renderForm(request, reply, null, values, errors),
      save: async (value) => {
        const { url } = await submitOnce(db, submissionTokenIn(request.body), actor.userId, async (trx) => `/reading/${(await addReadingItem(trx, actor, value)).slug}?done=added`)
        return reply.redirect(url, 303)
      },
    })
  })

  app.get('/reading/:slug', { config: { serves: 'page', cache: true, cacheQuery: ['done'], shows: 'reading_item' }, schema: { params: params({ slug }), querystring: query({ done }) } }, async (request, reply) => {
    const actor: Actor = request.actor
    const { item, facts } = await viewableItem(db, actor, (request.params as Params).slug)
    const [card] = await readingCards(db, [item])
    const [mayEdit, mayReport, held] = await Promise.all([can(db, actor, 'edit', 'reading_item', facts), can(db, actor, 'report', 'reading_item', facts), item.hidden_at ? heldStateOf(db, 'reading_item', item.id) : null])
    const q = request.query as Query
    return reply.render('reading/show.njk', {
      title: item.title,
      breadcrumbs: crumbs,
      item: card,
      mayEdit,
      mayReport: mayReport && !mayEdit,
      pending: held === 'pending',
      metaDescription: item.summary,
      ogType: 'article',
      noindex: item.hidden_at !== null,
      flash: q.done ? DONE[q.done] : undefined,
    })
  })

  app.get('/reading/:slug/edit', { config: { serves: 'form', shows: 'reading_item' }, schema: { params: params({ slug }), querystring: query({}) } }, async (request, reply) => {
    const { slug: s } = request.params as Params
    if (!request.user) return signIn(reply, `/reading/${s}/edit`)
    const item = await editableItem(db, request.actor, s)
    const [card] = await readingCards(db, [item])
    return renderForm(request, reply, item, { url: item.url, title: item.title, summary: item.summary, tags: card!.tags.join(', ') })
  })

  app.post('/reading/:slug/edit', { schema: { params: params({ slug }) } }, async (request, reply) => {
    const { slug: s } = request.params as Params
    if (!signedIn(request.actor)) return signIn(reply, `/reading/${s}/edit`)
    const actor = request.actor
    const item = await editableItem(db, actor, s)
    return submitForm(request.body, readingSchema, {
      again: (values, errors) => renderForm(request, reply, item, values, errors),
      save: async (value) => {
        await db.transaction().execute(async (trx) => updateReadingItem(trx, actor, await editableItem(trx, actor, s), value))
        return reply.redirect(`/reading/${s}?done=saved`, 303)
      },
    })
  })

  app.post('/reading/:slug/delete', { schema: { params: params({ slug }) } }, async (request, reply) => {
    const { slug: s } = request.params as Params
    if (!signedIn(request.actor)) return signIn(reply, `/reading/${s}`)
    await db.transaction().execute((trx) => removeReadingItem(trx, request.actor, s))
    return reply.redirect('/reading?done=removed', 303)
  })
}
