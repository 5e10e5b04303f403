import { LRUCache } from 'lru-cache'
import { changeCounts, diffLineHtml, diffParagraphsHtml, wordDiff, type DiffView } from '../../core/text/diff.ts'

/** The text of a page at one revision, as a diff compares it. */
export interface PageText {
  title: string
  body: string
  themes: string
}

/** A change between two texts of a page, rendered (core/text/diff.ts marks it in words, not colour alone). */
export interface PageDiff {
  title: Record<DiffView, string>
  body: Record<DiffView, string>
  themes: string
  changed: { title: boolean; body: boolean; themes: boolean }
  counts: { added: number; removed: number }
}

/** What changed from `before` to `after`, word by word (Markdown as written: the words people typed). */
export function pageDiff(before: PageText, after: PageText): PageDiff {
  const title = wordDiff(before.title, after.title)
  const body = wordDiff(before.body, after.body)
  const themes = wordDiff(before.themes, after.themes)
  const views = (html: (view: DiffView) => string) => ({ inline: html('inline'), before: html('before'), after: html('after') })
  return {
    title: views((v) => diffLineHtml(title, v)),
    body: views((v) => diffParagraphsHtml(body, v)),
    themes: diffLineHtml(themes, 'inline'),
    changed: { title: before.title !== after.title, body: body.some((p) => p.kind !== 'same'), themes: before.themes !== after.themes },
    counts: changeCounts(body),
  }
}

// What a revision changed never changes: the latest diffs are kept in each process (a long page's diff costs milliseconds).
const revisionDiffs = new LRUCache<string, PageDiff>({ max: 100 })

/** The diff a revision made (against the one before it, or an empty page for the first), cached by revision id. */
export function revisionDiff(revisionId: string, before: PageText, after: PageText): PageDiff {
  let diff = revisionDiffs.get(revisionId)
  if (!diff) revisionDiffs.set(revisionId, (diff = pageDiff(before, after)))
  return diff
}
