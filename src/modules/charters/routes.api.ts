import type { FastifyInstance } from 'fastify'
import type { Actor } from '../../core/access/policy.ts'
import { notFound } from '../../core/errors.ts'
import { decodeCursor, encodeCursor, pageSize, paginate } from '../../core/http/pagination.ts'
import { amendmentStatusCounts, findAmendment, openAmendmentCounts, openCountsOf } from './amendments.queries.ts'
import { describeAmendments, listAmendments, visibleAmendment, type AmendmentSummary } from './amendments.ts'
import { AMENDMENT_KINDS, AMENDMENT_STATUSES, CHARTER_STATUSES, type AmendmentStatus } from './charters.tables.ts'
import { findVisibleCharter, listCharters, type CharterRow } from './charters.ts'
import { pilotsView } from './pilots.ts'
import { activeCountsOf } from './signatures.queries.ts'
import { registerCounts, registerPage, type SignatureView } from './signatures.ts'
import { currentSections, versionNumber, versionsPage, versionText, type ShownSection } from './versions.ts'

const problem = { type: 'object', properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' } } } as const
const slug = { type: 'string', maxLength: 100 } as const
const slugParams = { type: 'object', required: ['slug'], properties: { slug } } as const
const listQuery = { limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 }, cursor: { type: 'string', maxLength: 200, description: 'The `next` value of the previous page' } } as const
const page = (items: object) => ({ type: 'object', required: ['items', 'next'], properties: { items: { type: 'array', items }, next: { type: ['string', 'null'] } } }) as const

const charterJson = {
  type: 'object',
  required: ['slug', 'url', 'title', 'status', 'currentVersion'],
  properties: {
    slug: { type: 'string' },
    url: { type: 'string', description: 'Absolute URL of the charter page' },
    title: { type: 'string' },
    introduction: { type: 'string' },
    status: { type: 'string', enum: [...CHARTER_STATUSES], description: 'drafting (open for amendments), published (open for signatures), closed' },
    currentVersion: { type: 'integer' },
    signatories: { type: 'object', properties: { organisations: { type: 'integer' }, people: { type: 'integer' } } },
    openAmendments: { type: 'integer' },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
    publishedAt: { type: ['string', 'null'], format: 'date-time' },
  },
} as const

const sectionJson = {
  type: 'object',
  properties: {
    id: { type: 'string', description: 'The section’s lasting id (kept through amendments)' },
    number: { type: 'integer' },
    heading: { type: 'string' },
    text: { type: 'string', description: 'Plain text; paragraphs separated by a blank line' },
    url: { type: 'string' },
    openAmendments: { type: 'integer' },
  },
} as const

const amendmentJson = {
  type: 'object',
  properties: {
    number: { type: 'integer' },
    url: { type: 'string' },
    kind: { type: 'string', enum: [...AMENDMENT_KINDS] },
    status: { type: 'string', enum: [...AMENDMENT_STATUSES] },
    title: { type: 'string' },
    sectionId: { type: ['string', 'null'] },
    sectionNumber: { type: ['integer', 'null'], description: 'In the current version; null for a new section not yet accepted, or a deleted section' },
    heading: { type: 'string', description: 'Proposed heading (empty: unchanged)' },
    text: { type: 'string', description: 'Proposed text (empty for a deletion)' },
    reason: { type: 'string' },
    conflict: { type: 'boolean', description: 'Written against a text of the section that has changed since' },
    votes: { type: 'object', properties: { for: { type: 'integer' }, against: { type: 'integer' } } },
    reply: { type: 'string', description: 'The editor’s reply with the decision' },
    resultVersion: { type: ['integer', 'null'] },
    createdAt: { type: 'string', format: 'date-time' },
    decidedAt: { type: ['string', 'null'], format: 'date-time' },
  },
} as const

const signatoryJson = {
  type: 'object',
  properties: {
    type: { type: 'string', enum: ['organisation', 'person'] },
    name: { type: 'string' },
    profileUrl: { type: ['string', 'null'] },
    organisationType: { type: ['string', 'null'] },
    country: { type: ['string', 'null'] },
    status: { type: 'string', enum: ['active', 'withdrawn'] },
    signedAt: { type: 'string', format: 'date-time' },
    versionSigned: { type: 'integer' },
    versionConfirmed: { type: 'integer' },
    confirmedCurrentVersion: { type: 'boolean' },
    commitment: { type: 'string' },
    url: { type: 'string' },
  },
} as const

/** JSON API of charters (read-only), under /api/v1: the same access rules as the pages. */
export async function chartersApi(app: FastifyInstance): Promise<void> {
  const base = app.config.baseUrl
  const charterUrl = (c: CharterRow) => `${base}/charters/${c.slug}`
  const toCharter = (c: CharterRow, signatories: { organisations: number; people: number } | undefined, open: number) => ({
    slug: c.slug,
    url: charterUrl(c),
    title: c.title,
    introduction: c.introduction,
    status: c.status,
    currentVersion: c.current_version,
    signatories: signatories ?? { organisations: 0, people: 0 },
    openAmendments: open,
    createdAt: c.created_at,
    updatedAt: c.updated_at,
    publishedAt: c.published_at,
  })
  const toSection = (c: CharterRow, s: ShownSection, open: number) => ({ id: s.sectionId, number: s.number, heading: s.heading, text: s.body, url: `${charterUrl(c)}#section-${s.sectionId}`, openAmendments: open })
  const toAmendment = (c: CharterRow, a: AmendmentSummary) => ({
    number: a.number,
    url: `${charterUrl(c)}/amendments/${a.number}`,
    kind: a.kind,
    status: a.status,
    title: a.title,
    sectionId: a.section_id,
    sectionNumber: a.sectionNumber,
    heading: a.heading,
    text: a.body,
    reason: a.reason,
    conflict: a.conflict === 1,
    votes: { for: a.votes_for, against: a.votes_against },
    reply: a.reply,
    resultVersion: a.result_version,
    createdAt: a.created_at,
    decidedAt: a.decided_at,
  })
  const toSignatory = (c: CharterRow, s: SignatureView) => ({
    type: s.kind,
    name: s.signatory.name,
    profileUrl: s.signatory.href ? `${base}${s.signatory.href}` : null,
    organisationType: s.signatory.organisation?.type ?? null,
    country: s.signatory.organisation?.country ?? null,
    status: s.status,
    signedAt: s.signed_at,
    versionSigned: s.version_signed,
    versionConfirmed: s.version_confirmed,
    confirmedCurrentVersion: s.status === 'active' && s.current,
    commitment: s.commitment,
    url: `${charterUrl(c)}/signatures/${s.id}`,
  })
  const load = (request: { params: unknown; actor: Actor }) => findVisibleCharter(app.db, request.actor, (request.params as { slug: string }).slug)

  app.get(
    '/charters',
    {
      config: { serves: 'api' },
      schema: { tags: ['charters'], summary: 'Charters, most recently changed first', querystring: { type: 'object', additionalProperties: false, properties: listQuery }, response: { 200: page(charterJson), 400: problem } },
    },
    async (request) => {
      const q = request.query as { limit?: number; cursor?: string }
      const limit = pageSize(q.limit)
      const { items, next } = paginate(await listCharters(app.db, request.actor, decodeCursor(q.cursor), limit), limit, (r) => ({ at: r.updated_at, id: r.id }))
      const ids = items.map((c) => c.id)
      const [signatories, open] = await Promise.all([activeCountsOf(app.db, ids), openCountsOf(app.db, ids)])
      return { items: items.map((c) => toCharter(c, signatories.get(c.id), open.get(c.id) ?? 0)), next }
    },
  )

  app.get(
    '/charters/:slug',
    {
      config: { serves: 'api', shows: 'charter' },
      schema: {
        tags: ['charters'],
        summary: 'One charter with the sections of its current version',
        params: slugParams,
        response: { 200: { ...charterJson, properties: { ...charterJson.properties, sections: { type: 'array', items: sectionJson }, amendments: { type: 'object', additionalProperties: { type: 'integer' } } } }, 404: problem },
      },
    },
    async (request) => {
      const charter = await load(request)
      const [sections, open, statusCounts, counts] = await Promise.all([currentSections(app.db, charter), openAmendmentCounts(app.db, charter.id), amendmentStatusCounts(app.db, charter.id), registerCounts(app.db, request.actor, charter)])
      return { ...toCharter(charter, counts, statusCounts.open), sections: sections.map((s) => toSection(charter, s, open.get(s.sectionId) ?? 0)), amendments: statusCounts }
    },
  )

  app.get(
    '/charters/:slug/versions',
    {
      config: { serves: 'api', shows: 'charter' },
      schema: {
        tags: ['charters'],
        summary: 'Versions of a charter, newest first',
        params: slugParams,
        querystring: { type: 'object', additionalProperties: false, properties: listQuery },
        response: { 200: page({ type: 'object', properties: { number: { type: 'integer' }, title: { type: 'string' }, summary: { type: 'string' }, createdAt: { type: 'string', format: 'date-time' }, url: { type: 'string' } } }), 404: problem },
      },
    },
    async (request) => {
      const charter = await load(request)
      const q = request.query as { limit?: number; cursor?: string }
      const { items, next } = await versionsPage(app.db, charter, versionNumber(q.cursor), pageSize(q.limit))
      return { items: items.map((v) => ({ number: v.number, title: v.title, summary: v.summary, createdAt: v.created_at, url: `${charterUrl(charter)}/versions/${v.number}` })), next: next === null ? null : String(next) }
    },
  )

  app.get(
    '/charters/:slug/versions/:number',
    {
      config: { serves: 'api', shows: 'charter' },
      schema: {
        tags: ['charters'],
        summary: 'One version of a charter, with its full text',
        params: { type: 'object', required: ['slug', 'number'], properties: { slug, number: { type: 'string', maxLength: 12 } } },
        response: { 200: { type: 'object', properties: { number: { type: 'integer' }, title: { type: 'string' }, introduction: { type: 'string' }, summary: { type: 'string' }, createdAt: { type: 'string', format: 'date-time' }, sections: { type: 'array', items: sectionJson } } }, 404: problem },
      },
    },
    async (request) => {
      const charter = await load(request)
      const number = versionNumber((request.params as { number: string }).number)
      if (number === null) throw notFound('Version')
      const { version, sections } = await versionText(app.db, charter, number)
      return { number: version.number, title: version.title, introduction: version.introduction, summary: version.summary, createdAt: version.created_at, sections: sections.map((s) => toSection(charter, s, 0)) }
    },
  )

  app.get(
    '/charters/:slug/amendments',
    {
      config: { serves: 'api', shows: 'charter' },
      schema: {
        tags: ['charters'],
        summary: 'Amendments to a charter, newest first',
        params: slugParams,
        querystring: { type: 'object', additionalProperties: false, properties: { ...listQuery, status: { type: 'string', enum: [...AMENDMENT_STATUSES] }, section: { type: 'string', maxLength: 40, description: 'A section id' } } },
        response: { 200: page(amendmentJson), 404: problem },
      },
    },
    async (request) => {
      const charter = await load(request)
      const q = request.query as { limit?: number; cursor?: string; status?: AmendmentStatus; section?: string }
      const limit = pageSize(q.limit)
      const rows = await listAmendments(app.db, request.actor, charter, { status: q.status, sectionId: q.section }, decodeCursor(q.cursor), limit)
      const items = rows.slice(0, limit)
      const last = items[items.length - 1]
      return { items: (await describeAmendments(app.db, charter, items)).map((a) => toAmendment(charter, a)), next: rows.length > limit && last ? encodeCursor({ at: last.created_at, id: last.id }) : null }
    },
  )

  app.get(
    '/charters/:slug/amendments/:number',
    {
      config: { serves: 'api', shows: 'amendment' },
      schema: { tags: ['charters'], summary: 'One amendment', params: { type: 'object', required: ['slug', 'number'], properties: { slug, number: { type: 'string', maxLength: 12 } } }, response: { 200: amendmentJson, 404: problem } },
    },
    async (request) => {
      const charter = await load(request)
      const text = (request.params as { number: string }).number
      const row = /^[1-9][0-9]{0,8}$/.test(text) ? await findAmendment(app.db, charter.id, Number(text)) : undefined
      const amendment = await visibleAmendment(app.db, request.actor, charter, row)
      return toAmendment(charter, (await describeAmendments(app.db, charter, [amendment]))[0]!)
    },
  )

  app.get(
    '/charters/:slug/signatories',
    {
      config: { serves: 'api', shows: 'charter' },
      schema: {
        tags: ['charters'],
        summary: 'The register: signatories named in it, newest signature first',
        params: slugParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            ...listQuery,
            kind: { type: 'string', enum: ['organisation', 'person'] },
            type: { type: 'string', maxLength: 60, description: 'Type of organisation' },
            country: { type: 'string', maxLength: 60 },
            q: { type: 'string', maxLength: 100, description: 'Words of the name' },
            status: { type: 'string', enum: ['active', 'withdrawn'], default: 'active' },
          },
        },
        response: { 200: page(signatoryJson), 404: problem },
      },
    },
    async (request) => {
      const charter = await load(request)
      const q = request.query as { limit?: number; cursor?: string; kind?: 'organisation' | 'person'; type?: string; country?: string; q?: string; status?: 'active' | 'withdrawn' }
      const limit = pageSize(q.limit)
      const result = await registerPage(app.db, request.actor, charter, { status: q.status ?? 'active', kind: q.kind, type: q.type || undefined, country: q.country || undefined, q: q.q || undefined }, decodeCursor(q.cursor), limit)
      return { items: result.items.map((s) => toSignatory(charter, s)), next: result.next ? encodeCursor({ at: result.next.signed_at, id: result.next.id }) : null }
    },
  )

  app.get(
    '/charters/:slug/pilots',
    {
      config: { serves: 'api', shows: 'charter' },
      schema: {
        tags: ['charters'],
        summary: 'Pilots of a charter, with their latest progress posts',
        params: slugParams,
        response: {
          200: {
            type: 'object',
            properties: {
              charter: { type: 'object', properties: { slug: { type: 'string' }, title: { type: 'string' }, url: { type: 'string' } } },
              items: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    organisation: { type: 'object', properties: { slug: { type: 'string' }, name: { type: 'string' }, url: { type: 'string' } } },
                    contact: { type: ['object', 'null'], properties: { handle: { type: 'string' }, name: { type: 'string' } } },
                    goals: { type: 'string' },
                    since: { type: 'string', format: 'date-time' },
                    updates: { type: 'array', items: { type: 'object', properties: { title: { type: 'string' }, url: { type: 'string' }, publishedAt: { type: ['string', 'null'], format: 'date-time' } } } },
                  },
                },
              },
            },
          },
          404: problem,
        },
      },
    },
    async (request) => {
      const charter = await load(request)
      const pilots = await pilotsView(app.db, request.actor, charter, { updatesEach: 5 })
      return {
        charter: { slug: charter.slug, title: charter.title, url: charterUrl(charter) },
        items: pilots.map((p) => ({
          organisation: { slug: p.organisation.slug, name: p.organisation.name, url: `${base}/organisations/${p.organisation.slug}` },
          contact: p.contact?.public ? { handle: p.contact.handle, name: p.contact.name } : null,
          goals: p.goals.join('\n\n'),
          since: p.createdAt,
          updates: p.updates.map((u) => ({ title: u.title, url: `${base}${u.url}`, publishedAt: u.publishedAt })),
        })),
      }
    },
  )
}
