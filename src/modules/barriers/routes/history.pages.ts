import type { FastifyPluginAsync } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { can } from '../../../core/access/can.ts'
import { signedIn } from '../../../core/access/policy.ts'
import { notFound } from '../../../core/errors.ts'
import { feedLinks, registerFeeds } from '../../../core/feeds/feeds.ts'
import { parseInput } from '../../../core/http/forms.ts'
import { params, query, slug, text } from '../../../core/http/schemas.ts'
import { creditsOf, historyOf, KIND_TEXT, pathOf, revertEntry, viewableEntry, type WikiKind } from '../barriers.ts'
import { revertSchema } from '../barriers.schemas.ts'
import { revisionDiff } from '../diffs.ts'
import { revisionWithPrevious } from '../revisions.queries.ts'
import { crumbs, revisionNumber, signIn } from './page-helpers.ts'

const number = Type.String({ maxLength: 12 })

/** A page's history, one revision with its diff against the one before, and a moderator's revert. */
export function historyPages(kind: WikiKind): FastifyPluginAsync {
  const words = KIND_TEXT[kind]
  const base = words.path
  return async (plain) => {
    const app = plain.withTypeProvider<TypeBoxTypeProvider>()
    const db = app.db

    app.get(`${base}/:slug/history`, { config: { serves: 'page', cache: true, cacheQuery: ['before'], shows: kind }, schema: { params: params({ slug }), querystring: query({ before: text(12) }) } }, async (request, reply) => {
      const entry = await viewableEntry(db, request.actor, kind, request.params.slug)
      const before = revisionNumber(request.query.before)
      const page = await historyOf(db, entry, before)
      return reply.render('barriers/history.njk', {
        title: `History of “${entry.title}”`,
        breadcrumbs: crumbs(kind, entry),
        kind,
        words,
        entry,
        revisions: page.items,
        next: page.next ? `${pathOf(entry)}/history?before=${page.next}` : null,
        first: before ? `${pathOf(entry)}/history` : null,
        feeds: feedLinks(`${pathOf(entry)}/history`, `Changes to “${entry.title}”`),
        noindex: true,
      })
    })

    // A page's revisions as a feed: follow one barrier or solution and learn of every edit, with its summary.
    registerFeeds(
      app,
      `${base}/:slug/history`,
      async (request, actor) => {
        const entry = await viewableEntry(db, actor, kind, request.params.slug!).catch(() => null)
        if (!entry) return null
        const site = app.config.baseUrl
        const { items } = await historyOf(db, entry, null, 20)
        return {
          title: `Changes to “${entry.title}” – Openly`,
          description: `Every edit of the ${words.one} “${entry.title}”, with its summary`,
          link: `${site}${pathOf(entry)}/history`,
          items: items.map((r) => ({
            id: `${site}${pathOf(entry)}/revisions/${r.number}`,
            link: `${site}${pathOf(entry)}/revisions/${r.number}`,
            title: `Revision ${r.number}: ${r.summary}`,
            summary: r.summary,
            contentHtml: `<p>${r.summary.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</p>`,
            published: r.created_at,
            updated: r.created_at,
            authors: [r.author?.public ? { name: r.author.name, url: `${site}/people/${r.author.handle}` } : { name: 'Someone' }],
          })),
        }
      },
      { shows: kind },
    )

    app.get(`${base}/:slug/revisions/:number`, { config: { serves: 'page', cache: true, cacheQuery: [], shows: kind }, schema: { params: params({ slug, number }), querystring: query({}) } }, async (request, reply) => {
      const entry = await viewableEntry(db, request.actor, kind, request.params.slug)
      const n = revisionNumber(request.params.number)
      const { revision, previous } = n === null ? { revision: undefined, previous: undefined } : await revisionWithPrevious(db, entry.id, n)
      if (!revision) throw notFound('Revision')
      const [credits, canRevert] = await Promise.all([creditsOf(db, [revision.author_id]), signedIn(request.actor) ? can(db, request.actor, 'moderate', kind, entry) : Promise.resolve(false)])
      const empty = { title: '', body: '', themes: '' }
      return reply.render('barriers/revision.njk', {
        title: `“${revision.title}”, revision ${revision.number}`,
        breadcrumbs: [...crumbs(kind, entry), { text: 'History', href: `${pathOf(entry)}/history` }],
        kind,
        words,
        entry,
        revision: { ...revision, number: Number(revision.number) },
        author: revision.author_id ? (credits.get(revision.author_id) ?? null) : null,
        diff: revisionDiff(revision.id, previous ?? empty, revision),
        first: !previous,
        current: Number(revision.number) === Number(entry.revision),
        canRevert,
        canonicalUrl: `${app.config.baseUrl}${pathOf(entry)}/revisions/${revision.number}`,
        noindex: true,
      })
    })

    app.post(`${base}/:slug/revisions/:number/revert`, { config: { signIn: true, invalidates: ['wiki'] }, schema: { params: params({ slug, number }) } }, async (request, reply) => {
      const actor = request.actor
      if (!signedIn(actor)) return signIn(request, reply)
      const n = revisionNumber(request.params.number)
      const parsed = parseInput(revertSchema, request.body)
      const baseRevision = parsed.ok ? revisionNumber(parsed.value.base_revision) : null
      if (n === null || baseRevision === null) throw notFound('Revision')
      const saved = await db.transaction().execute(async (trx) => {
        const entry = await viewableEntry(trx, actor, kind, request.params.slug)
        const { revision } = await revisionWithPrevious(trx, entry.id, n)
        if (!revision) throw notFound('Revision')
        return revertEntry(trx, actor, entry, revision, baseRevision)
      })
      return reply.redirect(`${pathOf(saved)}?done=reverted`, 303)
    })
  }
}
