import { diffWordsWithSpace } from 'diff'

/**
 * Word-level diffs of text people wrote (charter sections, wiki pages), with jsdiff, rendered for every reader: insertions and deletions
 * are `<ins>` and `<del>` with visually hidden "added:" / "removed:" words and an end marker, so a
 * screen reader says where a change starts and stops, and colour is never the only signal (the
 * stylesheet also underlines and strikes through). Paragraph breaks are part of the text.
 */

export interface DiffPart {
  kind: 'same' | 'added' | 'removed'
  text: string
}

/** How a diff is shown: both texts in one column, or one side of a side-by-side view. */
export type DiffView = 'inline' | 'before' | 'after'

const BREAK = '\n\n'

/** Tidies text for comparing: one space between words, one blank line between paragraphs. */
export function normaliseText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n\s*/)
    .map((p) => p.replace(/\s+/g, ' ').trim())
    .filter(Boolean)
    .join(BREAK)
}

/** The paragraphs of a section body, for showing it. */
export function paragraphsOf(text: string): string[] {
  return normaliseText(text).split(BREAK).filter(Boolean)
}

/** The changes from `before` to `after`, word by word (spaces and paragraph breaks count as words). */
export function wordDiff(before: string, after: string): DiffPart[] {
  const a = normaliseText(before)
  const b = normaliseText(after)
  // A text rewritten from end to end reads better as "all removed, all added" than as a word salad, and the
  // search for the smallest diff grows with the square of the changes: past this many, stop looking.
  const parts = diffWordsWithSpace(a, b, { maxEditLength: MAX_EDITS })
  if (!parts) return [...(a ? [{ kind: 'removed' as const, text: a }] : []), ...(b ? [{ kind: 'added' as const, text: b }] : [])]
  return readable(parts.map((p) => ({ kind: p.added ? 'added' : p.removed ? 'removed' : 'same', text: p.value })))
}

/** Word and space changes beyond which a text counts as rewritten (about 150 words changed). */
const MAX_EDITS = 300

/**
 * Makes a diff read as phrases: a lone space kept between two changes ("Why we" → "A better" would read
 * removed Why, added A, space, removed we, added better) joins the change around it, and each run of
 * changes shows everything removed, then everything added.
 */
function readable(parts: DiffPart[]): DiffPart[] {
  const isChange = (p: DiffPart | undefined) => p !== undefined && p.kind !== 'same'
  const out: DiffPart[] = []
  let removed = ''
  let added = ''
  const flush = () => {
    if (removed) out.push({ kind: 'removed', text: removed })
    if (added) out.push({ kind: 'added', text: added })
    removed = added = ''
  }
  parts.forEach((p, i) => {
    const between = p.kind === 'same' && /^[ \t]+$/.test(p.text) && isChange(parts[i - 1]) && isChange(parts[i + 1])
    if (p.kind === 'removed') removed += p.text
    else if (p.kind === 'added') added += p.text
    else if (between) {
      removed += p.text
      added += p.text
    } else {
      flush()
      const last = out[out.length - 1]
      if (last?.kind === 'same') last.text += p.text
      else out.push({ ...p })
    }
  })
  flush()
  return out
}

/** True when the two texts differ (after tidying spaces). */
export function differs(before: string, after: string): boolean {
  return normaliseText(before) !== normaliseText(after)
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

const hidden = (text: string) => `<span class="govuk-visually-hidden">${text}</span>`

function marked(kind: 'added' | 'removed', html: string): string {
  const tag = kind === 'added' ? 'ins' : 'del'
  return `<${tag} class="openly-diff__${kind}">${hidden(`${kind}: `)}${html}${hidden(` (end of ${kind} text)`)}</${tag}>`
}

/** A changed run of words, marked, with its outer spaces left outside the mark (an underlined space reads as noise). */
function markedText(kind: 'added' | 'removed', text: string): string {
  const [, lead, core, trail] = /^(\s*)([^]*?)(\s*)$/.exec(text)!
  return core ? `${escapeHtml(lead!)}${marked(kind, escapeHtml(core))}${escapeHtml(trail!)}` : escapeHtml(text)
}

/**
 * HTML paragraphs for a body diff. `inline` shows removals and additions together; `before` and `after`
 * show one side each (removals only, additions only) for a side-by-side view.
 */
export function diffParagraphsHtml(parts: DiffPart[], view: DiffView): string {
  const paragraphs: string[] = []
  let current = ''
  const close = () => {
    paragraphs.push(current)
    current = ''
  }
  for (const part of parts) {
    if ((view === 'before' && part.kind === 'added') || (view === 'after' && part.kind === 'removed')) continue
    const pieces = part.text.split(BREAK)
    pieces.forEach((piece, i) => {
      if (i > 0) {
        // A paragraph break: kept ones and those this side has start a new paragraph; in the inline view a
        // break that was added or removed is shown as a marked pilcrow, so joining or splitting is visible.
        if (view === 'inline' && part.kind !== 'same') {
          current += marked(part.kind, `<span aria-hidden="true">¶</span>${hidden('paragraph break')}`)
          if (part.kind === 'added') close()
        } else close()
      }
      if (piece) current += part.kind === 'same' ? escapeHtml(piece) : markedText(part.kind, piece)
    })
  }
  close()
  return paragraphs
    .filter((p) => p.trim() !== '')
    .map((p) => `<p class="govuk-body">${p}</p>`)
    .join('')
}

/** HTML for a one-line diff (a heading), without paragraphs. */
export function diffLineHtml(parts: DiffPart[], view: DiffView): string {
  return parts
    .filter((p) => !((view === 'before' && p.kind === 'added') || (view === 'after' && p.kind === 'removed')))
    .map((p) => (p.kind === 'same' ? escapeHtml(p.text) : markedText(p.kind, p.text)))
    .join('')
}

/** Counts of words added and removed, for summaries ("12 words added, 3 removed"). */
export function changeCounts(parts: DiffPart[]): { added: number; removed: number } {
  const words = (s: string) => s.split(/\s+/).filter(Boolean).length
  let added = 0
  let removed = 0
  for (const p of parts) {
    if (p.kind === 'added') added += words(p.text)
    if (p.kind === 'removed') removed += words(p.text)
  }
  return { added, removed }
}
