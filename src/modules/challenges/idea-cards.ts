import { createHash } from 'node:crypto'
import type { Db } from '../../core/db/database.ts'
import type { Actor } from '../../core/access/policy.ts'
import { peopleByIds, type Person } from '../accounts/accounts.ts'
import { authorsOf, commentCounts, readerVotes, SHUFFLE_PRIME, type IdeaRow } from './ideas.queries.ts'

/** An idea as lists, the idea page, feeds and the API show it. */
export interface IdeaCard {
  id: string
  url: string
  title: string
  bodyHtml: string
  attachmentUrl: string
  authors: Person[]
  status: IdeaRow['status']
  winReason: string
  projectId: string | null
  votes: number
  comments: number
  /** The reader voted for it (signed-in readers only). */
  voted: boolean
  hidden: boolean
  revision: number
  createdAt: string
  updatedAt: string
}

/** Cards for idea rows the actor may already see: authors, comment counts and the reader's votes, batch-loaded. */
export async function ideaCards(db: Db, actor: Actor, challengeSlug: string, rows: IdeaRow[]): Promise<IdeaCard[]> {
  if (rows.length === 0) return []
  const ids = rows.map((r) => r.id)
  const [authors, comments, voted] = await Promise.all([authorsOf(db, ids), commentCounts(db, ids), readerVotes(db, actor, ids)])
  const people = await peopleByIds(db, [...new Set([...authors.values()].flat())])
  return rows.map((r) => ({
    id: r.id,
    url: `/challenges/${challengeSlug}/ideas/${r.id}`,
    title: r.title,
    bodyHtml: r.body_html,
    attachmentUrl: r.attachment_url,
    authors: (authors.get(r.id) ?? [r.author_id]).flatMap((id) => (people.get(id) ? [people.get(id)!] : [])),
    status: r.status,
    winReason: r.win_reason,
    projectId: r.project_id,
    votes: Number(r.vote_count),
    comments: comments.get(r.id) ?? 0,
    voted: voted.has(r.id),
    hidden: r.hidden_at !== null,
    revision: Number(r.revision),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }))
}

/** A signed-in reader's own seed for "random" order in one challenge: the same order on every visit. */
export function readerSeed(userId: string, challengeId: string): number {
  return (createHash('sha256').update(`${userId}:${challengeId}`).digest().readUInt32BE(0) % (SHUFFLE_PRIME - 1)) + 1
}

/** A fresh seed for an anonymous reader (kept in the page's links from then on). */
export const randomSeed = () => Math.floor(Math.random() * (SHUFFLE_PRIME - 1)) + 1

/** A seed from the query string, if it is one. */
export function seedParam(value: unknown): number | null {
  const n = Number(value)
  return typeof value === 'string' && /^\d{1,5}$/.test(value) && n >= 1 && n < SHUFFLE_PRIME ? n : null
}
