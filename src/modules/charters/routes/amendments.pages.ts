import { done, query, text } from '../../../core/http/schemas.ts'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { can } from '../../../core/access/can.ts'
import { heldStateOf, heldStatesOf } from '../../../core/access/held.ts'
import type { Actor } from '../../../core/access/policy.ts'
import { invalid, notFound } from '../../../core/errors.ts'
import { parseInput } from '../../../core/http/forms.ts'
import { decodeCursor, encodeCursor } from '../../../core/http/pagination.ts'
import { submissionTokenIn, submitOnce } from '../../../core/http/submissions.ts'
import { peopleByIds } from '../../accounts/accounts.ts'
import { commentCounts, commentRows, findAmendment, voteOf } from '../amendments.queries.ts'
import { castVote, commentOnAmendment, missingForKind, decideAmendment, describeAmendments, facts, listAmendments, proposeAmendment, reviseAmendment, visibleAmendment, withdrawAmendment, type AmendmentRow, type AmendmentSummary } from '../amendments.ts'
import { textsByIds, type CharterRow } from '../charters.queries.ts'
import { amendmentFilterSchema, amendmentSchema, commentSchema, decisionSchema, revisionSchema, voteSchema } from '../charters.schemas.ts'
import { AMENDMENT_STATUSES, type AmendmentStatus } from '../charters.tables.ts'
import { STATUS_LABELS } from '../charters.ts'
import { paragraphsOf } from '../../../core/text/diff.ts'
import { bodyDiff, currentSections, lineDiff, type ShownSection } from '../versions.ts'
import { charterCrumbs, doneMessage, fieldErrors, loadCharter, queryString, refusal, signIn, type Params, type Query } from './page-helpers.ts'

const PAGE_SIZE = 20

export const AMENDMENT_STATUS_LABELS: Record<AmendmentStatus, string> = { open: 'Open', accepted: 'Accepted', rejected: 'Rejected', withdrawn: 'Withdrawn' }
export const AMENDMENT_STATUS_CLASSES: Record<AmendmentStatus, string> = { open: 'govuk-tag--blue', accepted: 'govuk-tag--green', rejected: 'govuk-tag--red', withdrawn: 'govuk-tag--grey' }
const KIND_LABELS = { change: 'Rewrite a section', add: 'Add a new section', delete: 'Delete a section' }

const amendmentsCrumbs = (charter: CharterRow) => [...charterCrumbs(charter), { text: 'Amendments', href: `/charters/${charter.slug}/amendments` }]

/** The amendment numbered in the URL, if the reader may see it (else 404). */
async function loadAmendment(request: FastifyRequest, charter: CharterRow): Promise<AmendmentRow> {
  const number = Number((request.params as Params).number)
  const row = /^[1-9][0-9]{0,8}$/.test((request.params as Params).number) ? await findAmendment(request.server.db, charter.id, number) : undefined
  return visibleAmendment(request.server.db, request.actor, charter, row)
}

/** Everything the amendment page shows; the forms on it re-render it with their errors. */
async function amendmentPage(request: FastifyRequest, reply: FastifyReply, charter: CharterRow, amendment: AmendmentRow, extra: { errors?: Record<string, string>; values?: Record<string, unknown>; status?: number } = {}) {
  const db = request.server.db
  const actor = request.actor
  const f = facts(charter, amendment)
  const [[summary], sections, bases, comments, myVote, canVote, canComment, canEdit, canDecide, held] = await Promise.all([
    describeAmendments(db, charter, [amendment]),
    currentSections(db, charter),
    textsByIds(db, amendment.base_text_id ? [amendment.base_text_id] : []),
    commentRows(db, actor, amendment.id),
    voteOf(db, actor, amendment.id),
    can(db, actor, 'vote', 'amendment', f),
    can(db, actor, 'participate', 'amendment', f),
    can(db, actor, 'edit', 'amendment', f),
    can(db, actor, 'manage', 'amendment', f),
    amendment.hidden_at ? heldStateOf(db, 'amendment', amendment.id) : Promise.resolve(null),
  ])
  const heldComments = await heldStatesOf(db, 'amendmentComment', comments.filter((c) => c.hidden_at).map((c) => c.id))
  const base = amendment.base_text_id ? bases.get(amendment.base_text_id) : undefined
  const current = amendment.section_id ? sections.find((s) => s.sectionId === amendment.section_id) : undefined
  const before = base ? { heading: base.heading, body: base.body } : { heading: '', body: '' }
  const after = amendment.kind === 'delete' ? { heading: '', body: '' } : { heading: amendment.heading || base?.heading || '', body: amendment.body }
  // A conflicting amendment also shows how its section changed since it was written.
  const since = amendment.status === 'open' && amendment.conflict && base && current && current.textId !== base.id ? { heading: lineDiff(base.heading, current.heading), body: bodyDiff(base.body, current.body), current } : null
  const people = await peopleByIds(db, [amendment.author_id, ...(amendment.decided_by ? [amendment.decided_by] : []), ...comments.map((c) => c.author_id)])
  const person = (id: string | null) => (id ? people.get(id) ?? null : null)
  return reply.code(extra.status ?? 200).render('charters/amendment.njk', {
    title: `Amendment ${amendment.number}: ${summary!.title}`,
    breadcrumbs: amendmentsCrumbs(charter),
    charter,
    amendment: summary,
    statusLabel: AMENDMENT_STATUS_LABELS[amendment.status],
    statusClass: AMENDMENT_STATUS_CLASSES[amendment.status],
    reason: paragraphsOf(amendment.reason),
    reply: paragraphsOf(amendment.reply),
    heading: lineDiff(before.heading, after.heading),
    body: bodyDiff(before.body, after.body),
    since,
    sectionGone: amendment.kind !== 'add' && amendment.status === 'open' && !current,
    afterSection: amendment.kind === 'add' && amendment.after_section_id ? sections.find((s) => s.sectionId === amendment.after_section_id) ?? null : null,
    author: person(amendment.author_id),
    decider: person(amendment.decided_by),
    comments: comments.map((c) => ({ ...c, author: person(c.author_id), pending: heldComments.get(c.id) === 'pending' })),
    pending: held === 'pending',
    myVote,
    canVote,
    canComment,
    canEdit,
    canDecide,
    errors: extra.errors,
    values: extra.values ?? {},
    flash: doneMessage(request),
    canonicalUrl: `${request.server.config.baseUrl}/charters/${charter.slug}/amendments/${amendment.number}`,
    noindex: amendment.hidden_at !== null,
  })
}

/** The section choices of the amendment form: "3. Heading" for each current section. */
const sectionItems = (sections: ShownSection[], selected: string | undefined, first: { value: string; text: string }) => [
  first,
  ...sections.map((s) => ({ value: s.sectionId, text: `${s.number}. ${s.heading}`, selected: s.sectionId === selected })),
]

async function proposeForm(request: FastifyRequest, reply: FastifyReply, charter: CharterRow, values: Record<string, unknown>, errors?: Record<string, string>) {
  const sections = await currentSections(request.server.db, charter)
  return reply.code(errors ? 422 : 200).render('charters/amendment-new.njk', {
    title: `Propose an amendment to ${charter.title}`,
    breadcrumbs: amendmentsCrumbs(charter),
    charter,
    values,
    errors,
    kinds: Object.entries(KIND_LABELS).map(([value, text]) => ({ value, text, checked: values.kind === value })),
    sectionItems: sectionItems(sections, values.section as string | undefined, { value: '', text: 'Choose a section' }),
    afterItems: sectionItems(sections, values.after as string | undefined, { value: 'start', text: 'At the start, before section 1' }).map((i) => (i.value === 'start' ? i : { ...i, text: `After ${i.text}` })),
    noindex: true,
  })
}

/** Amendments: the list, proposing, the amendment page, voting, comments, decisions, revising and withdrawing. */
export const amendmentPages: FastifyPluginAsync = async (app) => {
  app.get('/charters/:slug/amendments', { config: { serves: 'page', cache: true, cacheQuery: ['status', 'section', 'cursor'], shows: 'charter' } }, async (request, reply) => {
    const charter = await loadCharter(request)
    const query = request.query as Query
    const parsed = parseInput(amendmentFilterSchema, query)
    const sections = await currentSections(app.db, charter)
    const base = { title: `Amendments to ${charter.title}`, breadcrumbs: charterCrumbs(charter), charter, statuses: AMENDMENT_STATUSES.map((s) => ({ value: s, text: AMENDMENT_STATUS_LABELS[s] })), sections }
    if (!parsed.ok) return reply.code(400).render('charters/amendments.njk', { ...base, errors: parsed.errors, values: parsed.input, items: [] })
    const filter = { status: (parsed.value.status || undefined) as AmendmentStatus | undefined, sectionId: parsed.value.section === 'new' ? undefined : parsed.value.section || undefined, additions: parsed.value.section === 'new' }
    const cursor = decodeCursor(query.cursor)
    const rows = await listAmendments(app.db, request.actor, charter, filter, cursor, PAGE_SIZE)
    const page = rows.slice(0, PAGE_SIZE)
    const [items, comments] = await Promise.all([describeAmendments(app.db, charter, page), commentCounts(app.db, page.map((r) => r.id))])
    const params = { status: parsed.value.status, section: parsed.value.section }
    const last = page[page.length - 1]
    const section = sections.find((s) => s.sectionId === filter.sectionId)
    return reply.render('charters/amendments.njk', {
      ...base,
      values: params,
      items: items.map((a: AmendmentSummary) => ({ ...a, statusLabel: AMENDMENT_STATUS_LABELS[a.status], statusClass: AMENDMENT_STATUS_CLASSES[a.status], comments: comments.get(a.id) ?? 0 })),
      filterLabel: [filter.status ? AMENDMENT_STATUS_LABELS[filter.status].toLowerCase() : '', section ? `to section ${section.number} (${section.heading})` : filter.additions ? 'adding a section' : ''].filter(Boolean).join(' '),
      filtered: Boolean(params.status || params.section),
      pagination: {
        next: rows.length > PAGE_SIZE && last ? { href: `/charters/${charter.slug}/amendments${queryString({ ...params, cursor: encodeCursor({ at: last.created_at, id: last.id }) })}` } : undefined,
        previous: cursor ? { href: `/charters/${charter.slug}/amendments${queryString(params)}`, labelText: 'First page' } : undefined,
      },
      canPropose: charter.status !== 'closed',
      charterStatus: STATUS_LABELS[charter.status],
    })
  })

  app.get('/charters/:slug/amendments/new', { config: { serves: 'form', shows: 'charter' } , schema: { querystring: query({ kind: text(20), section: text(60), after: text(60), done }) } }, async (request, reply) => {
    if (!request.user) return signIn(request, reply)
    const charter = await loadCharter(request)
    if (!(await can(app.db, request.actor, 'participate', 'charter', charter))) return reply.code(409).render('errors/error.njk', { title: 'This charter is closed', heading: 'This charter is closed', paragraphs: ['It takes no more amendments.'], noindex: true })
    const query = request.query as Query
    const kind = ['change', 'add', 'delete'].includes(query.kind ?? '') ? query.kind : query.section ? 'change' : undefined
    const values: Record<string, unknown> = { kind, section: query.section, after: query.after }
    // Rewriting a section starts from its current words.
    if (kind === 'change' && query.section) {
      const s = (await currentSections(app.db, charter)).find((x) => x.sectionId === query.section)
      if (s) Object.assign(values, { heading: s.heading, body: s.body })
    }
    return proposeForm(request, reply, charter, values)
  })

  app.post('/charters/:slug/amendments/new', async (request, reply) => {
    if (!request.user) return signIn(request, reply)
    const charter = await loadCharter(request)
    const token = submissionTokenIn(request.body)
    const parsed = parseInput(amendmentSchema, request.body)
    if (!parsed.ok) {
      // Every missing answer at once, in the order of the form.
      const all: Record<string, string> = { ...missingForKind(parsed.input), ...parsed.errors }
      const errors = Object.fromEntries(Object.keys(amendmentSchema).flatMap((k) => (all[k] ? [[k, all[k]]] : [])))
      return proposeForm(request, reply, charter, { ...parsed.input, _submission: token ?? '' }, errors)
    }
    try {
      const { url } = await submitOnce(app.db, token, request.user.id, async (trx) => `/charters/${charter.slug}/amendments/${(await proposeAmendment(trx, request.actor, charter, parsed.value)).number}?done=proposed`)
      return reply.redirect(url, 303)
    } catch (err) {
      const errors = fieldErrors(err)
      if (errors) return proposeForm(request, reply, charter, { ...parsed.value, _submission: token ?? '' }, errors)
      throw err
    }
  })

  app.get('/charters/:slug/amendments/:number', { config: { serves: 'page', cache: true, cacheQuery: ['done'], shows: 'amendment' } }, async (request, reply) => {
    const charter = await loadCharter(request)
    return amendmentPage(request, reply, charter, await loadAmendment(request, charter))
  })

  /** Runs one of the amendment page's forms; a refusal (decided meanwhile, closed…) comes back on the page. */
  async function onAmendment(request: FastifyRequest, reply: FastifyReply, field: string, work: (charter: CharterRow, amendment: AmendmentRow, actor: Actor) => Promise<string>) {
    if (!request.user) return signIn(request, reply)
    const charter = await loadCharter(request)
    const amendment = await loadAmendment(request, charter)
    try {
      return reply.redirect(await work(charter, amendment, request.actor), 303)
    } catch (err) {
      const errors = fieldErrors(err) ?? (refusal(err) ? { [field]: refusal(err)! } : null)
      if (errors) return amendmentPage(request, reply, charter, amendment, { errors, values: request.body as Record<string, unknown>, status: refusal(err) ? 409 : 422 })
      throw err
    }
  }

  app.post('/charters/:slug/amendments/:number/vote', (request, reply) =>
    onAmendment(request, reply, 'vote', async (charter, amendment, actor) => {
      const parsed = parseInput(voteSchema, request.body)
      if (!parsed.ok) throw invalid(parsed.errors)
      const vote = parsed.value.vote as 'for' | 'against' | 'none'
      await app.db.transaction().execute((trx) => castVote(trx, actor, charter, amendment, vote))
      return `/charters/${charter.slug}/amendments/${amendment.number}?done=${vote === 'none' ? 'unvoted' : 'voted'}#votes`
    }),
  )

  app.post('/charters/:slug/amendments/:number/comments', (request, reply) =>
    onAmendment(request, reply, 'comment', async (charter, amendment, actor) => {
      const parsed = parseInput(commentSchema, request.body)
      if (!parsed.ok) throw invalid(parsed.errors)
      const { url } = await submitOnce(app.db, submissionTokenIn(request.body), request.user!.id, async (trx) => {
        const { id, held } = await commentOnAmendment(trx, actor, charter, amendment, parsed.value, request.user!.name)
        return `/charters/${charter.slug}/amendments/${amendment.number}?done=${held ? 'held' : 'commented'}#comment-${id}`
      })
      return url
    }),
  )

  app.post('/charters/:slug/amendments/:number/decision', (request, reply) =>
    onAmendment(request, reply, 'decision', async (charter, amendment, actor) => {
      if (!(await can(app.db, actor, 'manage', 'charter', charter))) throw notFound()
      const parsed = parseInput(decisionSchema, request.body)
      if (!parsed.ok) throw invalid(parsed.errors)
      await app.db.transaction().execute((trx) => decideAmendment(trx, actor, charter, amendment, parsed.value))
      return `/charters/${charter.slug}/amendments/${amendment.number}?done=${parsed.value.decision === 'accept' ? 'accepted' : 'rejected'}`
    }),
  )

  app.post('/charters/:slug/amendments/:number/withdraw', (request, reply) =>
    onAmendment(request, reply, 'withdraw', async (charter, amendment, actor) => {
      await app.db.transaction().execute((trx) => withdrawAmendment(trx, actor, charter, amendment))
      return `/charters/${charter.slug}/amendments/${amendment.number}?done=withdrawn`
    }),
  )

  // ---------- Revising one's own amendment (bringing it up to date with the current text) ----------

  async function revisable(request: FastifyRequest): Promise<{ charter: CharterRow; amendment: AmendmentRow }> {
    const charter = await loadCharter(request)
    const amendment = await loadAmendment(request, charter)
    if (!(await can(app.db, request.actor, 'edit', 'amendment', facts(charter, amendment)))) throw notFound()
    return { charter, amendment }
  }

  async function reviseForm(request: FastifyRequest, reply: FastifyReply, charter: CharterRow, amendment: AmendmentRow, values: Record<string, unknown>, errors?: Record<string, string>, status = 200) {
    const [summary] = await describeAmendments(app.db, charter, [amendment])
    const current = amendment.section_id ? (await currentSections(app.db, charter)).find((s) => s.sectionId === amendment.section_id) : undefined
    return reply.code(errors ? (status === 200 ? 422 : status) : 200).render('charters/amendment-edit.njk', {
      title: `Revise amendment ${amendment.number}`,
      breadcrumbs: [...amendmentsCrumbs(charter), { text: `Amendment ${amendment.number}`, href: `/charters/${charter.slug}/amendments/${amendment.number}` }],
      charter,
      amendment: summary,
      current,
      values,
      errors,
      noindex: true,
    })
  }

  app.get('/charters/:slug/amendments/:number/edit', { config: { serves: 'form', shows: 'amendment' } , schema: { querystring: query({ done }) } }, async (request, reply) => {
    if (!request.user) return signIn(request, reply)
    const { charter, amendment } = await revisable(request)
    return reviseForm(request, reply, charter, amendment, { heading: amendment.heading, body: amendment.body, reason: amendment.reason })
  })

  app.post('/charters/:slug/amendments/:number/edit', async (request, reply) => {
    if (!request.user) return signIn(request, reply)
    const { charter, amendment } = await revisable(request)
    const parsed = parseInput(revisionSchema, request.body)
    if (!parsed.ok) return reviseForm(request, reply, charter, amendment, parsed.input, parsed.errors)
    try {
      await app.db.transaction().execute((trx) => reviseAmendment(trx, request.actor, charter, amendment, parsed.value))
      return reply.redirect(`/charters/${charter.slug}/amendments/${amendment.number}?done=revised`, 303)
    } catch (err) {
      const errors = fieldErrors(err) ?? (refusal(err) ? { body: refusal(err)! } : null)
      if (errors) return reviseForm(request, reply, charter, amendment, parsed.value, errors, refusal(err) ? 409 : 422)
      throw err
    }
  })
}
