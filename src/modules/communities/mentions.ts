import type { Db } from '../../core/db/database.ts'
import { invalid } from '../../core/errors.ts'
import { renderMarkdown } from '../../core/markdown/markdown.ts'
import { peopleByHandles } from '../accounts/accounts.ts'

// @handle mentions in threads and replies: found in the Markdown, resolved through accounts,
// and linked in the rendered HTML. Who is then notified is the discussions' business.

const MENTION = /(^|[^\p{L}\p{N}_@/.-])@([a-z0-9][a-z0-9_-]{0,39})/giu

/** Handles mentioned in Markdown, outside code and quoted lines (quotes repeat someone else's words). */
export function extractMentions(markdown: string): string[] {
  const text = markdown
    .replace(/```[\s\S]*?(```|$)/g, ' ')
    .replace(/`[^`\n]*`/g, ' ')
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('>'))
    .join('\n')
  const found = new Set<string>()
  for (const m of text.matchAll(MENTION)) found.add(m[2]!.toLowerCase().replace(/[-_]+$/, ''))
  return [...found].slice(0, 50)
}

/** Links @handle of known people in rendered HTML, outside links and code. */
export function linkMentions(html: string, known: Set<string>): string {
  if (known.size === 0) return html
  let skip = 0
  return html
    .split(/(<[^>]+>)/)
    .map((part) => {
      if (part.startsWith('<')) {
        if (/^<(a|code|pre)[\s>]/i.test(part)) skip++
        else if (/^<\/(a|code|pre)>/i.test(part)) skip = Math.max(0, skip - 1)
        return part
      }
      if (skip > 0) return part
      return part.replace(MENTION, (all, pre: string, handle: string) => {
        const h = handle.toLowerCase().replace(/[-_]+$/, '')
        if (!known.has(h)) return all
        const rest = handle.slice(h.length)
        return `${pre}<a class="govuk-link" href="/people/${h}">@${h}</a>${rest}`
      })
    })
    .join('')
}

/**
 * Renders a body and resolves its mentions. Unknown handles are a field error on `field`,
 * so the form comes back with the text kept.
 */
export async function renderBody(db: Db, body: string, field: string): Promise<{ html: string; mentioned: Array<{ id: string; handle: string }> }> {
  const handles = extractMentions(body)
  const quotedHandles = [...body.matchAll(MENTION)].map((m) => m[2]!.toLowerCase().replace(/[-_]+$/, ''))
  const people = [...(await peopleByHandles(db, [...new Set([...handles, ...quotedHandles])])).values()]
  const known = new Set(people.map((p) => p.handle.toLowerCase()))
  const unknown = handles.filter((h) => !known.has(h))
  if (unknown.length) throw invalid({ [field]: unknown.length === 1 ? `There is no one with the handle @${unknown[0]}` : `There is no one with the handles ${unknown.map((h) => '@' + h).join(', ')}` })
  const mentionedSet = new Set(handles)
  return { html: linkMentions(renderMarkdown(body), known), mentioned: people.filter((p) => mentionedSet.has(p.handle.toLowerCase())).map((p) => ({ id: p.id, handle: p.handle })) }
}
