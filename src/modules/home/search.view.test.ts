import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { createViewEnvironment } from '../../core/views/environment.ts'
import { searchPageWriter, type SearchView } from './search.view.ts'

/**
 * The search page's content is written in TypeScript (decision 0033); this holds it to the markup GOV.UK Frontend's
 * macros give for the same page (testdata/search-macros.njk is the template it replaced), whitespace aside, so an
 * upgrade of govuk-frontend that changes the input, checkboxes, button or pagination fails here.
 */
const TYPES = [{ type: 'person', label: 'People' }, { type: 'post', label: 'Posts' }, { type: 'challenge_idea', label: 'Challenge ideas' }]
const normalise = (html: string) => html.replace(/\s+/g, ' ').replace(/>\s+/g, '>').replace(/\s+</g, '<').replace(/\s+>/g, '>').trim()

const views = createViewEnvironment([])
const template = readFileSync(new URL('./testdata/search-macros.njk', import.meta.url), 'utf8')
const write = searchPageWriter(TYPES)

interface Case { name: string; q: string; types: string[]; counts: Record<string, number>; total: number; capped: boolean; hits: SearchView['hits']; previous: string | null; next: string | null }

const cases: Case[] = [
  { name: 'no query', q: '', types: [], counts: {}, total: 0, capped: false, hits: [], previous: null, next: null },
  { name: 'a query with quotes and markup, a filter, both page links', q: '"open <data>" & \'more\'', types: ['post'], counts: { post: 3, person: 1 }, total: 3, capped: false, previous: '/search?q=a&type=post&page=1', next: '/search?q=a&type=post&page=3', hits: [
    { type: 'post', label: 'Post', url: '/posts/a?b=1&c=2', titleHtml: 'Open <mark>data</mark>', snippetHtml: '… about <mark>data</mark> &amp; more …', visibleFrom: '2026-11-30T10:00:00.000Z' },
    { type: 'person', label: 'Person', url: '/people/x', titleHtml: 'X &lt;y&gt;', snippetHtml: '', visibleFrom: null },
  ] },
  { name: 'capped, no results on this page, next only', q: 'plan', types: [], counts: { post: 201 }, total: 201, capped: true, hits: [], previous: null, next: '/search?q=plan&page=2' },
  { name: 'one result', q: 'x', types: [], counts: { person: 1 }, total: 1, capped: false, hits: [{ type: 'person', label: 'Person', url: '/people/x', titleHtml: 'X', snippetHtml: 'y', visibleFrom: null }], previous: null, next: null },
]

for (const c of cases) {
  test(`the search page's content is the macros' markup: ${c.name}`, () => {
    const filters = TYPES.map((t) => ({ value: t.type, text: `${t.label} (${c.counts[t.type] ?? 0})`, checked: c.types.includes(t.type) }))
    const expected = views.renderString(template, { q: c.q, types: c.types, filters, hits: c.hits, total: c.total, capped: c.capped, countCap: '200', previous: c.previous, next: c.next, timeZone: 'Europe/London' })
    const status = c.capped ? 'More than 200 results' : `${c.total} ${c.total === 1 ? 'result' : 'results'}`
    const actual = write({ q: c.q, types: c.types, counts: c.counts, status, hits: c.hits, previous: c.previous, next: c.next, timeZone: 'Europe/London' })
    assert.equal(normalise(actual), normalise(expected))
  })
}
