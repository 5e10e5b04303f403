import { diffWordsWithSpace } from 'diff'

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/**
 * A word-level diff as HTML (jsdiff, as charters use): `<ins>` and `<del>` with visually hidden "added" /
 * "removed" words, so a screen reader says what changed and colour is not the only signal.
 */
export function diffHtml(before: string, after: string): string {
  return diffWordsWithSpace(before, after)
    .map((part) => {
      const text = escape(part.value)
      if (part.added) return `<ins class="openly-diff__added"><span class="govuk-visually-hidden">added: </span>${text}</ins>`
      if (part.removed) return `<del class="openly-diff__removed"><span class="govuk-visually-hidden">removed: </span>${text}</del>`
      return text
    })
    .join('')
}
