import { formatDate } from '../../core/time.ts'

/**
 * The search page's content as strings joined in TypeScript (decision 0033): the same markup as the GOV.UK macros
 * (govukInput, govukCheckboxes, govukButton, govukPagination) and the result cards gave, with what does not depend on
 * the request (the form, each type's checkbox around its count) built once per process. Through Nunjucks, with three
 * macro calls and a loop of 20 cards, the content took 0.2–0.5 ms of a search page; the layout around it 0.04 ms.
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '"': '&quot;', "'": '&#39;', '<': '&lt;', '>': '&gt;' }
const SPECIAL = /[&"'<>]/
/** As Nunjucks' autoescape does; most text has nothing to escape and is returned as it is. */
export const escapeHtml = (text: string): string => (SPECIAL.test(text) ? text.replace(/[&"'<>]/g, (c) => ESCAPES[c]!) : text)

export interface SearchType {
  type: string
  label: string
}

export interface SearchView {
  q: string
  types: string[]
  counts: Record<string, number>
  /** The status line's text before “for …”: "3 results", "More than 200 results". */
  status: string
  hits: Array<{ type: string; label: string; url: string; titleHtml: string; snippetHtml: string; visibleFrom: string | null }>
  previous: string | null
  next: string | null
  timeZone: string | undefined
}

const ARROW_PREV = '<svg class="govuk-pagination__icon govuk-pagination__icon--prev" xmlns="http://www.w3.org/2000/svg" height="13" width="15" aria-hidden="true" focusable="false" viewBox="0 0 15 13"><path d="m6.5938-0.0078125-6.7266 6.7266 6.7441 6.4062 1.377-1.449-4.1856-3.9768h12.896v-2h-12.984l4.2931-4.293-1.414-1.414z"></path></svg>'
const ARROW_NEXT = '<svg class="govuk-pagination__icon govuk-pagination__icon--next" xmlns="http://www.w3.org/2000/svg" height="13" width="15" aria-hidden="true" focusable="false" viewBox="0 0 15 13"><path d="m8.107-0.0078125-1.4136 1.414 4.2926 4.293h-12.986v2h12.896l-4.1855 3.9766 1.377 1.4492 6.7441-6.4062-6.7246-6.7266z"></path></svg>'

/** Builds, once per process, the function that writes the search page's content for the document types the modules declare. */
export function searchPageWriter(searchTypes: SearchType[]): (view: SearchView) => string {
  const head = '<h1 class="govuk-heading-l">Search</h1><form action="/search" method="get" role="search" novalidate><div class="govuk-grid-row"><div class="govuk-grid-column-two-thirds"><div class="govuk-form-group"><label class="govuk-label govuk-label--s" for="q">Search for</label><div id="q-hint" class="govuk-hint">Use quotes for an exact phrase, like &quot;open data&quot;</div><input class="govuk-input" id="q" name="q" type="search" spellcheck="false" value="'
  const afterInput = '" aria-describedby="q-hint"></div></div></div><div class="govuk-grid-row"><div class="govuk-grid-column-one-third"><div class="govuk-form-group"><fieldset class="govuk-fieldset"><legend class="govuk-fieldset__legend govuk-fieldset__legend--s">Show only</legend><div class="govuk-checkboxes govuk-checkboxes--small" data-module="govuk-checkboxes">'
  // Each type's checkbox in two pieces: before "checked" and between it and the count.
  const boxes = searchTypes.map((t, i) => {
    const id = i === 0 ? 'type' : `type-${i + 1}`
    return { type: t.type, open: `<div class="govuk-checkboxes__item"><input class="govuk-checkboxes__input" id="${id}" name="type" type="checkbox" value="${escapeHtml(t.type)}"`, label: `><label class="govuk-label govuk-checkboxes__label" for="${id}">${escapeHtml(t.label)} (` }
  })
  const afterBoxes = '</div></fieldset></div><button type="submit" class="govuk-button" data-module="govuk-button">Search</button></div><div class="govuk-grid-column-two-thirds">'
  const tail = '</div></div></form>'
  const arrow = (href: string, type: 'prev' | 'next') =>
    `<div class="govuk-pagination__${type}"><a class="govuk-link govuk-pagination__link" href="${escapeHtml(href)}" rel="${type}">${type === 'prev' ? ARROW_PREV : ARROW_NEXT}<span class="govuk-pagination__link-title govuk-pagination__link-title--decorated">${type === 'prev' ? 'Previous' : 'Next'}<span class="govuk-visually-hidden"> page</span></span></a></div>`

  return (view) => {
    let html = head + escapeHtml(view.q) + afterInput
    for (const b of boxes) html += b.open + (view.types.includes(b.type) ? ' checked' : '') + b.label + (view.counts[b.type] ?? 0) + ')</label></div>'
    html += afterBoxes
    if (!view.q) return `${html}<p class="govuk-body">Enter words to search projects, organisations, people, posts and discussions.</p>${tail}`
    html += `<p class="govuk-body" role="status">${escapeHtml(view.status)} for “${escapeHtml(view.q)}”</p>`
    for (const hit of view.hits) {
      const date = hit.visibleFrom && hit.type === 'post' ? ` · ${formatDate(hit.visibleFrom, view.timeZone)}` : ''
      html += `<div class="openly-card"><p class="openly-caption govuk-!-margin-bottom-1">${escapeHtml(hit.label)}${escapeHtml(date)}</p><h2 class="govuk-heading-s openly-card__title"><a class="govuk-link" href="${escapeHtml(hit.url)}">${hit.titleHtml}</a></h2>${hit.snippetHtml ? `<p class="govuk-body">${hit.snippetHtml}</p>` : ''}</div>`
    }
    if (view.hits.length === 0) html += '<p class="govuk-body">No results. Check the spelling or try fewer words.</p>'
    if (view.previous || view.next) html += `<nav class="govuk-pagination govuk-pagination--block" aria-label="Pagination">${view.previous ? arrow(view.previous, 'prev') : ''}${view.next ? arrow(view.next, 'next') : ''}</nav>`
    return html + tail
  }
}
