import type { FastifyPluginAsync, FastifyReply } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { can } from '../../../core/access/can.ts'
import type { Db } from '../../../core/db/database.ts'
import { heldStateOf } from '../../../core/access/held.ts'
import { signedIn, type Actor } from '../../../core/access/policy.ts'
import { notFound, type FieldErrors } from '../../../core/errors.ts'
import { feedLinks, registerFeeds } from '../../../core/feeds/feeds.ts'
import { parseInput, previewOf, submitForm } from '../../../core/http/forms.ts'
import { userOf } from '../../../core/http/input.ts'
import { decodeCursor } from '../../../core/http/pagination.ts'
import { cursor, done, params, query, slug, text } from '../../../core/http/schemas.ts'
import { submissionTokenIn, submitOnce } from '../../../core/http/submissions.ts'
import { cardsOf, createEntry, EditConflict, KIND_TEXT, listEntries, normaliseThemes, pathOf, saveEdit, viewableEntry, type EntryRow, type WikiKind } from '../barriers.ts'
import { editSchema, entrySchema, filterSchema } from '../barriers.schemas.ts'
import { pageDiff } from '../diffs.ts'
import { endorsementsView, endorserChoices } from '../endorsements.ts'
import { listEntryRows, themesInUse } from '../entries.queries.ts'
import { linksOf } from '../links.ts'
import { crumbs, doneMessage, fieldErrors, queryString, revisionNumber, signIn } from './page-helpers.ts'

const PAGE_SIZE = 20
/** What a wiki write changes for anonymous readers (pages showing other modules' content use the default: everything). */
const WIKI = ['wiki'] as const

/** The list, writing a page, a page, and editing it (by revision, refusing an edit from an old one). */
export function entryPages(kind: WikiKind): FastifyPluginAsync {
  const words = KIND_TEXT[kind]
  const base = words.path
  return async (plain) => {
    const app = plain.withTypeProvider<TypeBoxTypeProvider>()
    const db = app.db

    // ------------------------------------------------------------ the list, filtered by theme and words

    app.get(base, { config: { serves: 'page', cache: true, cacheQuery: ['theme', 'q', 'cursor', 'done'] }, schema: { querystring: query({ theme: text(40), q: text(100), cursor, done }) } }, async (request, reply) => {
      const q = request.query
      const parsed = parseInput(filterSchema, q)
      const values = parsed.ok ? parsed.value : { theme: '', q: '' }
      const theme = normaliseThemes([values.theme])[0]
      const after = decodeCursor(q.cursor)
      const [page, themes] = await Promise.all([listEntries(db, request.actor, { kind, theme, text: values.q, cursor: after, limit: PAGE_SIZE }), themesInUse(db, request.actor, kind)])
      const filtered = Boolean(theme || values.q)
      return reply.code(parsed.ok ? 200 : 400).render('barriers/index.njk', {
        title: words.title,
        breadcrumbs: crumbs(kind).slice(0, 1),
        kind,
        words,
        items: page.items,
        values: { theme: theme ?? '', q: values.q },
        errors: parsed.ok ? undefined : parsed.errors,
        themeItems: [{ value: '', text: 'All themes' }, ...themes.map((t) => ({ value: t, text: t, selected: t === theme }))],
        filtered,
        canWrite: signedIn(request.actor),
        pagination: {
          next: page.next ? { href: `${base}${queryString({ theme, q: values.q, cursor: page.next })}` } : undefined,
          previous: after ? { href: `${base}${queryString({ theme, q: values.q })}`, labelText: 'First page' } : undefined,
        },
        flash: doneMessage(request),
        feeds: feedLinks(base, `${words.title}: recently changed`),
        noindex: filtered || after !== null,
        metaDescription: kind === 'barrier' ? 'What gets in the way of working in the open and together across public services, written down by the people it gets in the way of.' : 'Practical ways round the barriers to working in the open, from the teams they worked for.',
      })
    })

    // ------------------------------------------------------------ writing a page

    const renderNew = (reply: FastifyReply, values: Record<string, unknown>, errors?: FieldErrors, preview?: string) =>
      reply.code(errors ? 422 : 200).render('barriers/form.njk', { title: `Write a ${words.one}`, heading: `Write a ${words.one}`, breadcrumbs: crumbs(kind), kind, words, action: `${base}/new`, creating: true, values, errors, preview, noindex: true })

    app.get(`${base}/new`, { config: { serves: 'form', signIn: true }, schema: { querystring: query({ done }) } }, async (_request, reply) => renderNew(reply, {}))

    app.post(`${base}/new`, { config: { signIn: true, invalidates: WIKI } }, async (request, reply) => {
      const preview = previewOf(entrySchema, request.body)
      if (preview) return renderNew(reply, preview.values, undefined, preview.html)
      return submitForm(request.body, entrySchema, {
        again: (values, errors) => renderNew(reply, values, errors),
        save: async (value) => {
          const { url } = await submitOnce(db, submissionTokenIn(request.body), userOf(request).id, async (trx) => {
            const entry = await createEntry(trx, request.actor, kind, value)
            return `${pathOf(entry)}?done=${entry.hidden_at ? 'held' : 'created'}`
          })
          return reply.redirect(url, 303)
        },
      })
    })

    // ------------------------------------------------------------ a page

    app.get(`${base}/:slug`, { config: { serves: 'page', cache: true, cacheQuery: ['done'], shows: kind }, schema: { params: params({ slug }), querystring: query({ done }) } }, async (request, reply) => {
      const actor = request.actor
      const entry = await viewableEntry(db, actor, kind, request.params.slug)
      const [[card], links, endorsements, participate, canModerate, held] = await Promise.all([
        cardsOf(db, [entry]),
        linksOf(db, actor, entry),
        endorsementsView(db, actor, entry),
        can(db, actor, 'participate', kind, entry),
        can(db, actor, 'moderate', kind, entry),
        entry.hidden_at ? heldStateOf(db, kind, entry.id) : Promise.resolve(null),
      ])
      const choices = participate && signedIn(actor) ? await endorserChoices(db, actor) : []
      return reply.render('barriers/show.njk', {
        title: entry.title,
        breadcrumbs: crumbs(kind),
        kind,
        words,
        entry,
        card,
        links,
        endorsements,
        endorsers: choices.map((c) => ({ ...c, endorsed: endorsements.mine.includes(c.value) })),
        participate,
        canModerate,
        pending: held === 'pending',
        flash: doneMessage(request),
        canonicalUrl: `${app.config.baseUrl}${pathOf(entry)}`,
        noindex: entry.hidden_at !== null,
        ogType: 'article',
        metaDescription: entry.excerpt,
      })
    })

    // ------------------------------------------------------------ editing, by revision

    const formValues = (e: EntryRow) => ({ title: e.title, body: e.body, themes: e.themes, summary: '', base_revision: String(e.revision) })
    const renderEdit = (reply: FastifyReply, entry: EntryRow, values: Record<string, unknown>, errors?: FieldErrors, extra: { status?: number; conflict?: object; preview?: string } = {}) =>
      reply.code(extra.status ?? (errors ? 422 : 200)).render('barriers/form.njk', {
        title: `Edit “${entry.title}”`,
        heading: `Edit this ${words.one}`,
        caption: entry.title,
        breadcrumbs: crumbs(kind, entry),
        kind,
        words,
        entry,
        action: `${pathOf(entry)}/edit`,
        creating: false,
        values,
        errors,
        conflict: extra.conflict,
        preview: extra.preview,
        noindex: true,
      })

    /** The page if the actor may edit it; 404 otherwise (a hidden page is not edited meanwhile). */
    async function editable(actor: Actor, slugValue: string, d: Db = db): Promise<EntryRow> {
      const entry = await viewableEntry(d, actor, kind, slugValue)
      if (!(await can(d, actor, 'edit', kind, entry))) throw notFound()
      return entry
    }

    app.get(`${base}/:slug/edit`, { config: { serves: 'form', shows: kind, signIn: true }, schema: { params: params({ slug }), querystring: query({ done }) } }, async (request, reply) => {
      const entry = await editable(request.actor, request.params.slug)
      return renderEdit(reply, entry, formValues(entry), undefined, { preview: entry.body_html })
    })

    app.post(`${base}/:slug/edit`, { config: { signIn: true, invalidates: WIKI }, schema: { params: params({ slug }) } }, async (request, reply) => {
      const actor = request.actor as Actor & { userId: string }
      if (!signedIn(actor)) return signIn(request, reply)
      const entry = await editable(actor, request.params.slug)
      const preview = previewOf(editSchema, request.body)
      if (preview) return renderEdit(reply, entry, preview.values, undefined, { preview: preview.html })
      return submitForm(request.body, editSchema, {
        again: (values, errors) => renderEdit(reply, entry, values, errors),
        save: async (value) => {
          const baseRevision = revisionNumber(value.base_revision)
          if (baseRevision === null) return renderEdit(reply, entry, { ...value, themes: value.themes.join(', ') }, { body: 'This form is out of date: open the page and edit it again' }, { status: 409 })
          try {
            const saved = await db.transaction().execute(async (trx) => saveEdit(trx, actor, await editable(actor, entry.slug, trx), value, baseRevision))
            return reply.redirect(`${pathOf(saved)}?done=saved`, 303)
          } catch (err) {
            if (!(err instanceof EditConflict)) throw err
            // Their words are kept; the form now starts from the current revision, with what differs shown beside it.
            const current = err.current
            const yours = { title: value.title, body: value.body, themes: normaliseThemes(value.themes).join(', ') }
            return renderEdit(reply, current, { ...yours, summary: value.summary, base_revision: String(current.revision) }, err.fields, {
              status: 409,
              conflict: { current, diff: pageDiff(current, yours) },
            })
          }
        },
      })
    })

    // ------------------------------------------------------------ the feed of recently changed pages

    registerFeeds(app, base, async (_request, actor) => {
      const { items: rows } = await listEntryRows(db, actor, { kind, cursor: null, limit: 20 })
      const site = app.config.baseUrl
      return {
        title: `${words.title}: recently changed – Openly`,
        description: kind === 'barrier' ? 'Barriers to open, collaborative working, newest changes first' : 'Solutions that worked, newest changes first',
        link: `${site}${base}`,
        items: rows.map((e) => ({
          id: `${site}${pathOf(e)}`,
          link: `${site}${pathOf(e)}`,
          title: e.title,
          summary: e.excerpt,
          contentHtml: e.body_html,
          published: e.created_at,
          updated: e.updated_at,
          authors: [{ name: 'Openly' }],
          tags: e.themes ? e.themes.split(', ') : [],
        })),
      }
    })
  }
}
