import { done, query, text } from '../../../core/http/schemas.ts'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { can } from '../../../core/access/can.ts'
import type { Actor } from '../../../core/access/policy.ts'
import { notFound } from '../../../core/errors.ts'
import { parseInput } from '../../../core/http/forms.ts'
import { decodeCursor, encodeCursor } from '../../../core/http/pagination.ts'
import { submissionTokenIn, submitOnce } from '../../../core/http/submissions.ts'
import { directoryFacets, visibleOrganisationBySlug } from '../../organisations/organisations.ts'
import type { CharterRow } from '../charters.queries.ts'
import { confirmSchema, registerFilterSchema, signSchema } from '../charters.schemas.ts'
import { STATUS_LABELS } from '../charters.ts'
import { paragraphsOf } from '../../../core/text/diff.ts'
import { findPilot } from '../pilots.queries.ts'
import { badgeState, badgeSvg, exportCsv, exportRecords } from '../register.ts'
import { confirmSignature, historyOf, labelSignatures, notSignableReason, organisationSignature, registerCounts, registerPage, signCharter, signChoices, visibleSignature, withdrawSignature, type SignatureRow } from '../signatures.ts'
import { compareVersions } from '../versions.ts'
import { charterCrumbs, doneMessage, fieldErrors, loadCharter, queryString, refusal, signIn, type Params, type Query } from './page-helpers.ts'

const PAGE_SIZE = 50

const registerCrumbs = (charter: CharterRow) => [...charterCrumbs(charter), { text: 'Signatories', href: `/charters/${charter.slug}/signatories` }]

/** A page that says why a charter takes no signatures now (drafting or closed). */
const notOpen = (reply: FastifyReply, charter: CharterRow, reason: string) =>
  reply.code(409).render('errors/error.njk', { title: 'Not open for signatures', heading: 'This charter is not open for signatures', paragraphs: [reason], breadcrumbs: charterCrumbs(charter), noindex: true })

async function signForm(request: FastifyRequest, reply: FastifyReply, charter: CharterRow, values: Record<string, unknown>, errors?: Record<string, string>) {
  const actor = request.actor as Actor & { userId: string }
  const choices = await signChoices(request.server.db, actor, charter)
  const open = choices.filter((c) => c.existing?.status !== 'active')
  return reply.code(errors ? 422 : 200).render('charters/sign.njk', {
    title: `Sign ${charter.title}`,
    breadcrumbs: charterCrumbs(charter),
    charter,
    choices: open.map((c) => ({ value: c.value, text: c.kind === 'person' ? `Myself, ${request.user!.name}` : c.label, hint: c.existing?.status === 'withdrawn' ? 'Signed before and withdrew: signing again starts a new signature' : c.kind === 'organisation' ? 'You are an admin of this organisation' : undefined, checked: values.signatory === c.value })),
    signed: choices.filter((c) => c.existing?.status === 'active'),
    version: values.version ?? String(charter.current_version),
    values,
    errors,
    changed: errors?.version ? { from: Number(values.version) || 1, to: charter.current_version } : null,
    noindex: true,
  })
}

/** Signing, the register (with its exports and badges), a signature's page, and re-consent. */
export const signaturePages: FastifyPluginAsync = async (app) => {
  app.get('/charters/:slug/sign', { config: { serves: 'form', shows: 'charter' } , schema: { querystring: query({ as: text(100), done }) } }, async (request, reply) => {
    if (!request.user) return signIn(request, reply)
    const charter = await loadCharter(request)
    const reason = notSignableReason(charter)
    if (reason) return notOpen(reply, charter, reason)
    const query = request.query as Query
    return signForm(request, reply, charter, { signatory: query.as })
  })

  app.post('/charters/:slug/sign', async (request, reply) => {
    if (!request.user) return signIn(request, reply)
    const charter = await loadCharter(request)
    const token = submissionTokenIn(request.body)
    const parsed = parseInput(signSchema, request.body)
    if (!parsed.ok) return signForm(request, reply, charter, { ...parsed.input, _submission: token ?? '' }, parsed.errors)
    try {
      const { url } = await submitOnce(app.db, token, request.user.id, async (trx) => `/charters/${charter.slug}/signatures/${(await signCharter(trx, request.actor, charter, parsed.value, request.user!.name)).id}?done=signed`)
      return reply.redirect(url, 303)
    } catch (err) {
      const reason = refusal(err)
      if (reason) return notOpen(reply, charter, reason)
      const errors = fieldErrors(err)
      // A changed charter: the form comes back at the version now current, with what changed.
      if (errors) return signForm(request, reply, charter, { ...parsed.value, _submission: token ?? '' }, errors)
      throw err
    }
  })

  app.get('/charters/:slug/signatories', { config: { serves: 'page', cache: true, cacheQuery: ['kind', 'type', 'country', 'q', 'status', 'cursor'], shows: 'charter' } }, async (request, reply) => {
    const charter = await loadCharter(request)
    const query = request.query as Query
    const parsed = parseInput(registerFilterSchema, query)
    const [counts, choices] = await Promise.all([registerCounts(app.db, request.actor, charter), directoryFacets(app.db, request.actor)])
    const base = { title: `Signatories of ${charter.title}`, breadcrumbs: charterCrumbs(charter), charter, counts, choices, statusLabel: STATUS_LABELS[charter.status] }
    if (!parsed.ok) return reply.code(400).render('charters/register.njk', { ...base, errors: parsed.errors, values: parsed.input, items: [] })
    const v = parsed.value
    const filter = { status: (v.status || 'active') as 'active' | 'withdrawn', kind: (v.kind || undefined) as 'person' | 'organisation' | undefined, type: v.type || undefined, country: v.country || undefined, q: v.q || undefined }
    const cursor = decodeCursor(query.cursor)
    const page = await registerPage(app.db, request.actor, charter, filter, cursor, PAGE_SIZE)
    const params = { kind: v.kind, type: v.type, country: v.country, q: v.q, status: v.status }
    return reply.render('charters/register.njk', {
      ...base,
      values: params,
      items: page.items,
      filtered: Object.values(params).some(Boolean),
      pagination: {
        next: page.next ? { href: `/charters/${charter.slug}/signatories${queryString({ ...params, cursor: encodeCursor({ at: page.next.signed_at, id: page.next.id }) })}` } : undefined,
        previous: cursor ? { href: `/charters/${charter.slug}/signatories${queryString(params)}`, labelText: 'First page' } : undefined,
      },
    })
  })

  app.get('/charters/:slug/signatories.csv', { config: { serves: 'file', cache: true, cacheQuery: [], shows: 'charter' } }, async (request, reply) => {
    const charter = await loadCharter(request)
    const records = await exportRecords(app.db, request.actor, charter, app.config.baseUrl)
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${charter.slug}-signatories.csv"`)
      .send(exportCsv(records))
  })

  app.get('/charters/:slug/signatories.json', { config: { serves: 'file', cache: true, cacheQuery: [], shows: 'charter' } }, async (request, reply) => {
    const charter = await loadCharter(request)
    const records = await exportRecords(app.db, request.actor, charter, app.config.baseUrl)
    const body = {
      charter: { title: charter.title, url: `${app.config.baseUrl}/charters/${charter.slug}`, status: charter.status, currentVersion: charter.current_version },
      generatedAt: new Date().toISOString(),
      signatories: records,
    }
    return reply.type('application/json; charset=utf-8').send(JSON.stringify(body))
  })

  app.get('/charters/:slug/signatories/:organisation/badge.svg', { config: { serves: 'file', cache: true, cacheQuery: [], shows: 'badge' } }, async (request, reply) => {
    const charter = await loadCharter(request)
    const organisation = await visibleOrganisationBySlug(app.db, request.actor, (request.params as Params).organisation)
    const signature = organisation ? await organisationSignature(app.db, charter.id, organisation.id) : undefined
    if (!organisation || !signature) throw notFound('Badge')
    const pilot = signature.status === 'active' && (await findPilot(app.db, charter.id, organisation.id)) !== undefined
    return reply
      .type('image/svg+xml; charset=utf-8')
      .header('cache-control', 'public, max-age=300')
      .send(badgeSvg(badgeState(app.config.baseUrl, charter, organisation.name, signature, pilot)))
  })

  async function loadSignature(request: FastifyRequest): Promise<{ charter: CharterRow; signature: SignatureRow }> {
    const charter = await loadCharter(request)
    return { charter, signature: await visibleSignature(app.db, request.actor, charter, (request.params as Params).id) }
  }

  app.get('/charters/:slug/signatures/:id', { config: { serves: 'page', cache: true, cacheQuery: ['done'], shows: 'signature' } }, async (request, reply) => {
    const { charter, signature } = await loadSignature(request)
    const [[view], history, canManage] = await Promise.all([
      labelSignatures(app.db, request.actor, charter, [signature]),
      historyOf(app.db, signature.id),
      request.user ? can(app.db, request.actor, 'manage', 'signature', { charter, signature }) : Promise.resolve(false),
    ])
    if (!view) throw notFound('Signature')
    const badgePath = view.signatory.organisation ? `/charters/${charter.slug}/signatories/${view.signatory.organisation.slug}/badge.svg` : null
    return reply.render('charters/signature.njk', {
      title: `${view.signatory.name}: signature of ${charter.title}`,
      breadcrumbs: registerCrumbs(charter),
      charter,
      signature: view,
      commitment: paragraphsOf(signature.commitment),
      history,
      canManage,
      badgePath,
      badgeAlt: badgePath && view.signatory.organisation ? badgeState(app.config.baseUrl, charter, view.signatory.name, signature, false).description : '',
      flash: doneMessage(request),
      canonicalUrl: `${app.config.baseUrl}/charters/${charter.slug}/signatures/${signature.id}`,
    })
  })

  async function managedSignature(request: FastifyRequest) {
    const loaded = await loadSignature(request)
    if (!(await can(app.db, request.actor, 'manage', 'signature', loaded))) throw notFound('Signature')
    return loaded
  }

  async function reviewPage(request: FastifyRequest, reply: FastifyReply, charter: CharterRow, signature: SignatureRow, extra: { values?: Record<string, unknown>; errors?: Record<string, string>; status?: number } = {}) {
    const [[view], comparison] = await Promise.all([
      labelSignatures(app.db, request.actor, charter, [signature]),
      signature.version_confirmed < charter.current_version ? compareVersions(app.db, charter, signature.version_confirmed, charter.current_version) : Promise.resolve(null),
    ])
    if (!view) throw notFound('Signature')
    return reply.code(extra.status ?? 200).render('charters/review.njk', {
      title: `Review the changes to ${charter.title}`,
      breadcrumbs: registerCrumbs(charter),
      charter,
      signature: view,
      comparison,
      values: extra.values ?? { commitment: signature.commitment, version: String(charter.current_version) },
      errors: extra.errors,
      noindex: true,
    })
  }

  app.get('/charters/:slug/signatures/:id/review', { config: { serves: 'form', shows: 'signature' } , schema: { querystring: query({ done }) } }, async (request, reply) => {
    if (!request.user) return signIn(request, reply)
    const { charter, signature } = await managedSignature(request)
    return reviewPage(request, reply, charter, signature)
  })

  app.post('/charters/:slug/signatures/:id/confirm', async (request, reply) => {
    if (!request.user) return signIn(request, reply)
    const { charter, signature } = await managedSignature(request)
    const parsed = parseInput(confirmSchema, request.body)
    if (!parsed.ok) return reviewPage(request, reply, charter, signature, { values: parsed.input, errors: parsed.errors, status: 422 })
    try {
      await app.db.transaction().execute((trx) => confirmSignature(trx, request.actor, charter, signature, parsed.value))
      return reply.redirect(`/charters/${charter.slug}/signatures/${signature.id}?done=confirmed`, 303)
    } catch (err) {
      const errors = fieldErrors(err) ?? (refusal(err) ? { commitment: refusal(err)! } : null)
      // The charter changed again: show the review from the version they had confirmed up to the new current one.
      if (errors) return reviewPage(request, reply, await loadCharter(request), signature, { values: { commitment: parsed.value.commitment }, errors, status: refusal(err) ? 409 : 422 })
      throw err
    }
  })

  app.post('/charters/:slug/signatures/:id/withdraw', async (request, reply) => {
    if (!request.user) return signIn(request, reply)
    const { charter, signature } = await managedSignature(request)
    try {
      await app.db.transaction().execute((trx) => withdrawSignature(trx, request.actor, charter, signature))
    } catch (err) {
      // Already withdrawn (a second tab): the signature page says so.
      if (!refusal(err)) throw err
    }
    return reply.redirect(`/charters/${charter.slug}/signatures/${signature.id}?done=signature-withdrawn`, 303)
  })
}
