import type { Db } from '../../core/db/database.ts'
import { savePost, type PostInput } from './posts.ts'
import type { PostRow } from './posts.queries.ts'

/** Creates a post through the real use case (same path as the form), in its own transaction. */
export async function makePost(db: Db, userId: string, input: Partial<PostInput> = {}, existing: PostRow | null = null): Promise<PostRow> {
  const full: PostInput = {
    title: 'A post about open data',
    summary: '',
    body: 'We published the **spending dataset** this week.',
    learned: '',
    tags: [],
    series: '',
    newSeries: '',
    coauthors: [],
    project: '',
    organisation: '',
    community: '',
    publish: 'publish',
    publishAt: null,
    ...input,
  }
  return savePost(db, { userId, isAdmin: false }, full, existing)
}

/** Minimal well-formedness check: tags balance, attributes quoted, no bare ampersands outside CDATA. */
export function assertWellFormedXml(xml: string): void {
  const text = xml.replace(/^<\?xml[^>]*\?>/, '').replace(/<!\[CDATA\[[\s\S]*?\]\]>/g, '').replace(/<!--[\s\S]*?-->/g, '')
  const stack: string[] = []
  for (const m of text.matchAll(/<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|<|&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/g)) {
    if (m[0] === '<') throw new Error(`Stray < at ${m.index}: ${text.slice(m.index!, m.index! + 60)}`)
    if (m[0] === '&') throw new Error(`Bare & at ${m.index}: ${text.slice(m.index!, m.index! + 60)}`)
    const [, close, name, , selfClose] = m
    if (selfClose) continue
    if (close) {
      const open = stack.pop()
      if (open !== name) throw new Error(`</${name}> closes <${open}>`)
    } else stack.push(name!)
  }
  if (stack.length) throw new Error(`Unclosed: ${stack.join(', ')}`)
}

