import type { Db } from '../../core/db/database.ts'
import { markdownToText } from '../../core/markdown/markdown.ts'
import { indexDocument } from '../../core/search/search.ts'
import type { ChallengeRow } from './challenges.queries.ts'
import { ideasOfChallenge, type IdeaRow } from './ideas.queries.ts'

// What the challenges module writes to the search index, with the same visibility facts as its pages:
// the challenge's space, nothing hidden (an idea goes out with its hidden challenge). Never a review.

export async function indexChallenge(db: Db, c: ChallengeRow, themes: string[]): Promise<void> {
  await indexDocument(db, {
    type: 'challenge',
    id: c.id,
    title: c.title,
    body: [c.summary, markdownToText(c.problem), c.audience, c.prize, themes.join(', ')].filter(Boolean).join('\n'),
    url: `/challenges/${c.slug}`,
    spaceId: c.space_id,
    visibleFrom: c.hidden_at ? null : c.created_at,
  })
}

export async function indexIdea(db: Db, c: ChallengeRow, i: IdeaRow): Promise<void> {
  await indexDocument(db, {
    type: 'challenge_idea',
    id: i.id,
    title: i.title,
    body: `${markdownToText(i.body)}\n${c.title}`,
    url: `/challenges/${c.slug}/ideas/${i.id}`,
    spaceId: c.space_id,
    visibleFrom: i.hidden_at || c.hidden_at ? null : i.created_at,
  })
}

/** The challenge and its ideas in the index again (after it was hidden or restored). */
export async function reindexChallenge(db: Db, c: ChallengeRow, themes: string[]): Promise<void> {
  await indexChallenge(db, c, themes)
  for (const i of await ideasOfChallenge(db, c.id)) await indexIdea(db, c, i)
}
