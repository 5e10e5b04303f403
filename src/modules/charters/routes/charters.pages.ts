import { done, query, text } from '../../../core/http/schemas.ts'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { can } from '../../../core/access/can.ts'
import { notFound } from '../../../core/errors.ts'
import { feedLinks, registerFeeds } from '../../../core/feeds/feeds.ts'
import { parseInput } from '../../../core/http/forms.ts'
import { decodeCursor, paginate } from '../../../core/http/pagination.ts'
import { submissionTokenIn, submitOnce } from '../../../core/http/submissions.ts'
import { openAmendmentCounts, openCountsOf, amendmentStatusCounts } from '../amendments.queries.ts'
import { addEditor, closeCharter, createCharter, editIntroduction, editorsOf, findVisibleCharter, listCharters, publishCharter, removeEditor, STATUS_LABELS, type CharterRow } from '../charters.ts'
import { charterSchema, editorSchema, introductionSchema } from '../charters.schemas.ts'
import { paragraphsOf } from '../../../core/text/diff.ts'
import { pilotsView } from '../pilots.ts'
import { activeCountsOf } from '../signatures.queries.ts'
import { mySignatures, registerCounts, signChoices } from '../signatures.ts'
import { currentSections, versionsPage } from '../versions.ts'
import { charterCrumbs, doneMessage, fieldErrors, loadCharter, refusal, signIn, type Params } from './page-helpers.ts'

const PAGE_SIZE = 20

export const STATUS_CLASSES: Record<string, string> = { drafting: 'govuk-tag--yellow', published: 'govuk-tag--green', closed: 'govuk-tag--grey' }

const SECTIONS_EXAMPLE = '## Work in the open by default\nWe publish what we learn, every week, where anyone can read it.\n\n## Share what we build\nCode, designs and research are reusable by other public bodies.'

/** Charters: the list, starting one, the charter page, and its editors' page (introduction, editors, publishing). */
export const charterPages: FastifyPluginAsync = async (app) => {
  app.get('/charters', { config: { serves: 'page', cache: true, cacheQuery: ['cursor'] } }, async (request, reply) => {
    const cursor = decodeCursor((request.query as Record<string, unknown>).cursor)
    const rows = await listCharters(app.db, request.actor, cursor, PAGE_SIZE)
    const page = paginate(rows, PAGE_SIZE, (r) => ({ at: r.updated_at, id: r.id }))
    const ids = page.items.map((c) => c.id)
    const [signatures, open] = await Promise.all([activeCountsOf(app.db, ids), openCountsOf(app.db, ids)])
    const items = page.items.map((c) => ({ ...c, statusLabel: STATUS_LABELS[c.status], statusClass: STATUS_CLASSES[c.status], signatures: signatures.get(c.id), open: open.get(c.id) ?? 0, intro: paragraphsOf(c.introduction)[0] ?? '' }))
    const canStart = request.user ? await can(app.db, request.actor, 'manage', 'charters', {}) : false
    return reply.render('charters/index.njk', {
      title: 'Charters',
      breadcrumbs: charterCrumbs().slice(0, 1),
      items,
      canStart,
      pagination: { next: page.next ? { href: `/charters?cursor=${page.next}` } : undefined, previous: cursor ? { href: '/charters', labelText: 'First page' } : undefined },
    })
  })

  const newForm = (reply: FastifyReply, values: Record<string, unknown>, errors?: Record<string, string>) =>
    reply.code(errors ? 422 : 200).render('charters/new.njk', { title: 'Start a charter', breadcrumbs: charterCrumbs(), values, errors, example: SECTIONS_EXAMPLE, noindex: true })

  app.get('/charters/new', { config: { serves: 'form' } }, async (request, reply) => {
    if (!request.user) return signIn(request, reply)
    if (!(await can(app.db, request.actor, 'manage', 'charters', {}))) return reply.code(403).render('errors/error.njk', { title: 'Only platform admins can start a charter', heading: 'Only platform admins can start a charter', paragraphs: ['A charter is a pledge for the whole site: ask the people who run this Openly site to start one.'], noindex: true })
    return newForm(reply, {})
  })

  app.post('/charters/new', async (request, reply) => {
    if (!request.user) return signIn(request, reply)
    const parsed = parseInput(charterSchema, request.body)
    const token = submissionTokenIn(request.body)
    if (!parsed.ok) return newForm(reply, { ...parsed.input, _submission: token ?? '' }, parsed.errors)
    try {
      const { url } = await submitOnce(app.db, token, request.user.id, async (trx) => `/charters/${(await createCharter(trx, request.actor, parsed.value)).slug}?done=created`)
      return reply.redirect(url, 303)
    } catch (err) {
      const errors = fieldErrors(err)
      if (errors) return newForm(reply, { ...(request.body as object), _submission: token ?? '' }, errors)
      throw err
    }
  })

  app.get('/charters/:slug', { config: { serves: 'page', cache: true, cacheQuery: ['done'], shows: 'charter' } }, async (request, reply) => {
    const charter = await loadCharter(request)
    const [sections, openCounts, statusCounts, counts, pilots, editors, canManage, panelsHtml] = await Promise.all([
      currentSections(app.db, charter),
      openAmendmentCounts(app.db, charter.id),
      amendmentStatusCounts(app.db, charter.id),
      charter.status === 'drafting' ? Promise.resolve(null) : registerCounts(app.db, request.actor, charter),
      pilotsView(app.db, request.actor, charter, { updatesEach: 1 }),
      editorsOf(app.db, charter.id),
      request.user ? can(app.db, request.actor, 'manage', 'charter', charter) : Promise.resolve(false),
      // Later modules' sections on the charter page (the barriers wiki: barriers in the way of its sections).
      app.panels(request, 'charter', { id: charter.id, slug: charter.slug }),
    ])
    // What the signed-in reader has signed already: personal facts, so the page is shared only with readers who signed nothing.
    const mine = charter.status !== 'drafting' ? await mySignatures(app.db, request.actor, charter) : []
    return reply.render('charters/show.njk', {
      title: charter.title,
      breadcrumbs: charterCrumbs(),
      charter,
      statusLabel: STATUS_LABELS[charter.status],
      statusClass: STATUS_CLASSES[charter.status],
      introduction: paragraphsOf(charter.introduction),
      sections: sections.map((s) => ({ ...s, open: openCounts.get(s.sectionId) ?? 0 })),
      newSections: openCounts.get('') ?? 0,
      statusCounts,
      counts,
      pilots,
      editors,
      canManage,
      panelsHtml,
      mine,
      flash: doneMessage(request),
      feeds: feedLinks(`/charters/${charter.slug}`, `${charter.title}: new versions`),
      canonicalUrl: `${app.config.baseUrl}/charters/${charter.slug}`,
    })
  })

  // ---------- The editors' page: title and introduction, editors, publishing and closing ----------

  async function managed(request: FastifyRequest): Promise<CharterRow> {
    const charter = await loadCharter(request)
    // Others who may see the charter learn nothing from a 404 here: the page only holds editors' forms.
    if (!(await can(app.db, request.actor, 'manage', 'charter', charter))) throw notFound()
    return charter
  }

  const managePage = async (request: FastifyRequest, reply: FastifyReply, charter: CharterRow, extra: { values?: Record<string, unknown>; errors?: Record<string, string>; status?: number } = {}) =>
    reply.code(extra.status ?? 200).render('charters/manage.njk', {
      title: `Manage ${charter.title}`,
      breadcrumbs: charterCrumbs(charter),
      charter,
      statusLabel: STATUS_LABELS[charter.status],
      editors: await editorsOf(app.db, charter.id),
      values: extra.values ?? { title: charter.title, introduction: charter.introduction },
      errors: extra.errors,
      flash: doneMessage(request),
      noindex: true,
    })

  app.get('/charters/:slug/manage', { config: { serves: 'form', shows: 'charter' } , schema: { querystring: query({ done }) } }, async (request, reply) => {
    if (!request.user) return signIn(request, reply)
    return managePage(request, reply, await managed(request))
  })

  app.post('/charters/:slug/introduction', async (request, reply) => {
    if (!request.user) return signIn(request, reply)
    const charter = await managed(request)
    const parsed = parseInput(introductionSchema, request.body)
    if (!parsed.ok) return managePage(request, reply, charter, { values: parsed.input, errors: parsed.errors, status: 422 })
    try {
      await app.db.transaction().execute((trx) => editIntroduction(trx, request.actor, charter, parsed.value))
      return reply.redirect(`/charters/${charter.slug}?done=edited`, 303)
    } catch (err) {
      const errors = fieldErrors(err) ?? (refusal(err) ? { title: refusal(err)! } : null)
      if (errors) return managePage(request, reply, charter, { values: parsed.value, errors, status: 422 })
      throw err
    }
  })

  app.post('/charters/:slug/editors', async (request, reply) => {
    if (!request.user) return signIn(request, reply)
    const charter = await managed(request)
    const parsed = parseInput(editorSchema, request.body)
    const again = (errors: Record<string, string>) => managePage(request, reply, charter, { values: { title: charter.title, introduction: charter.introduction, handle: parsed.ok ? parsed.value.handle : parsed.input.handle }, errors, status: 422 })
    if (!parsed.ok) return again(parsed.errors)
    try {
      await app.db.transaction().execute((trx) => addEditor(trx, request.actor, charter, parsed.value.handle))
      return reply.redirect(`/charters/${charter.slug}/manage?done=editor`, 303)
    } catch (err) {
      const errors = fieldErrors(err)
      if (errors) return again(errors)
      throw err
    }
  })

  app.post('/charters/:slug/editors/:userId/remove', async (request, reply) => {
    if (!request.user) return signIn(request, reply)
    const charter = await managed(request)
    await app.db.transaction().execute((trx) => removeEditor(trx, request.actor, charter, (request.params as Params).userId))
    return reply.redirect(`/charters/${charter.slug}/manage?done=editor`, 303)
  })

  app.post('/charters/:slug/publish', async (request, reply) => {
    if (!request.user) return signIn(request, reply)
    const charter = await managed(request)
    await app.db.transaction().execute((trx) => publishCharter(trx, request.actor, charter))
    return reply.redirect(`/charters/${charter.slug}?done=published`, 303)
  })

  app.post('/charters/:slug/close', async (request, reply) => {
    if (!request.user) return signIn(request, reply)
    const charter = await managed(request)
    await app.db.transaction().execute((trx) => closeCharter(trx, request.actor, charter))
    return reply.redirect(`/charters/${charter.slug}?done=closed`, 303)
  })

  // A feed of the charter's versions: followers learn when its text changes.
  // Read as `actor` (the session's reader); titles are plain text, each feed format escapes them once (core/feeds).
  registerFeeds(app, '/charters/:slug', async (request, actor) => {
    const charter = await findVisibleCharter(app.db, actor, (request.params as Params).slug).catch(() => null)
    if (!charter) return null
    const base = app.config.baseUrl
    const { items } = await versionsPage(app.db, charter, null, 20)
    const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    return {
      title: `${charter.title}: new versions – Openly`,
      description: `Every new version of “${charter.title}”, with what changed`,
      link: `${base}/charters/${charter.slug}`,
      items: items.map((v) => ({
        id: `${base}/charters/${charter.slug}/versions/${v.number}`,
        link: v.number > 1 ? `${base}/charters/${charter.slug}/compare?from=${v.number - 1}&to=${v.number}` : `${base}/charters/${charter.slug}/versions/${v.number}`,
        title: `Version ${v.number}: ${v.summary}`,
        contentHtml: `<p>${escape(v.summary)}</p>`,
        published: v.created_at,
        updated: v.created_at,
        authors: [{ name: 'Openly' }],
      })),
    }
  }, { shows: 'charter' })
}
