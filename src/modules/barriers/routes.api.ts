import type { FastifyInstance } from 'fastify'
import { decodeCursor, pageSize } from '../../core/http/pagination.ts'
import { cardsOf, KIND_TEXT, listEntries, normaliseThemes, pathOf, viewableEntry, type EntryCard } from './barriers.ts'
import { WIKI_KINDS, type WikiKind } from './barriers.tables.ts'
import { endorsementsView } from './endorsements.ts'
import { linksOf } from './links.ts'

const problem = { type: 'object', properties: { type: { type: 'string' }, title: { type: 'string' }, status: { type: 'integer' }, detail: { type: 'string' } } } as const
const slugParams = { type: 'object', required: ['slug'], additionalProperties: false, properties: { slug: { type: 'string', maxLength: 100 } } } as const
const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    theme: { type: 'string', maxLength: 40, description: 'Only pages with this theme' },
    q: { type: 'string', maxLength: 100, description: 'Only pages whose title, text or themes hold every one of these words' },
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
    cursor: { type: 'string', maxLength: 200, description: 'The `next` value of the previous page' },
  },
} as const

const cardJson = {
  type: 'object',
  required: ['slug', 'url', 'title', 'themes', 'endorsements', 'revision'],
  properties: {
    slug: { type: 'string' },
    url: { type: 'string', description: 'Absolute URL of the page' },
    title: { type: 'string' },
    excerpt: { type: 'string', description: 'The first words of the text, as plain text' },
    themes: { type: 'array', items: { type: 'string' } },
    endorsements: { type: 'integer', description: '“We face this too” (barriers) or “this worked for us” (solutions)' },
    links: { type: 'integer', description: 'Solutions linked to a barrier, or barriers linked to a solution' },
    revision: { type: 'integer', description: 'Number of the current revision' },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
  },
} as const

const linkJson = { type: 'object', properties: { title: { type: 'string' }, url: { type: 'string' } } } as const

const entryJson = {
  type: 'object',
  required: [...cardJson.required, 'text', 'html'],
  properties: {
    ...cardJson.properties,
    text: { type: 'string', description: 'The current revision, in Markdown' },
    html: { type: 'string', description: 'The current revision rendered (sanitised HTML)' },
    historyUrl: { type: 'string' },
    endorsedBy: {
      type: 'array',
      description: 'The newest 100 endorsements (`endorsements` counts them all)',
      items: { type: 'object', properties: { type: { type: 'string', enum: ['person', 'organisation'] }, name: { type: 'string' }, note: { type: 'string' }, createdAt: { type: 'string', format: 'date-time' } } },
    },
    barriers: { type: 'array', items: linkJson, description: 'For a solution: the barriers it helps with' },
    solutions: { type: 'array', items: linkJson, description: 'For a barrier: solutions that helped' },
    charterSections: { type: 'array', items: linkJson, description: 'For a barrier: charter sections it bears on' },
    projects: { type: 'array', items: linkJson, description: 'For a solution: projects whose team used it' },
  },
} as const

/** JSON API of the barriers and solutions wiki (read-only), under /api/v1: the same access rules as the pages. */
export async function barriersApi(app: FastifyInstance): Promise<void> {
  const site = app.config.baseUrl
  const toCard = (c: EntryCard) => ({ slug: c.slug, url: `${site}${c.url}`, title: c.title, excerpt: c.excerpt, themes: c.themes, endorsements: c.endorsements, links: c.links, revision: c.revision, createdAt: c.createdAt, updatedAt: c.updatedAt })

  for (const kind of WIKI_KINDS) {
    const words = KIND_TEXT[kind]
    const other: WikiKind = words.other
    app.get(
      words.path,
      {
        config: { serves: 'api' },
        schema: { tags: ['barriers'], summary: `${words.title}, most recently changed first`, querystring: listQuery, response: { 200: { type: 'object', required: ['items', 'next'], properties: { items: { type: 'array', items: cardJson }, next: { type: ['string', 'null'] } } }, 400: problem } },
      },
      async (request) => {
        const q = request.query as { theme?: string; q?: string; limit?: number; cursor?: string }
        const page = await listEntries(app.db, request.actor, { kind, theme: normaliseThemes([q.theme ?? ''])[0], text: q.q, cursor: decodeCursor(q.cursor), limit: pageSize(q.limit) })
        return { items: page.items.map(toCard), next: page.next }
      },
    )

    app.get(
      `${words.path}/:slug`,
      {
        config: { serves: 'api', shows: kind },
        schema: { tags: ['barriers'], summary: `One ${words.one}, with its endorsements and links`, params: slugParams, response: { 200: entryJson, 404: problem } },
      },
      async (request) => {
        const entry = await viewableEntry(app.db, request.actor, kind, (request.params as { slug: string }).slug)
        const [[card], links, endorsements] = await Promise.all([cardsOf(app.db, [entry]), linksOf(app.db, request.actor, entry), endorsementsView(app.db, request.actor, entry)])
        return {
          ...toCard(card!),
          text: entry.body,
          html: entry.body_html,
          historyUrl: `${site}${pathOf(entry)}/history`,
          endorsedBy: endorsements.items.map((e) => (e.organisation ? { type: 'organisation', name: e.organisation.name, note: e.note, createdAt: e.createdAt } : { type: 'person', name: e.person?.name ?? 'Someone', note: e.note, createdAt: e.createdAt })),
          [other === 'solution' ? 'solutions' : 'barriers']: links.entries.map((e) => ({ title: e.title, url: `${site}${e.url}` })),
          ...(kind === 'barrier' ? { charterSections: links.sections.map((s) => ({ title: `${s.charterTitle}: ${s.number}. ${s.heading}`, url: `${site}${s.url}` })) } : {}),
          ...(kind === 'solution' ? { projects: links.projects.map((p) => ({ title: p.name, url: `${site}/projects/${p.slug}` })) } : {}),
        }
      },
    )
  }
}
