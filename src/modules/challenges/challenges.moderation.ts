import type { ModeratableType } from '../../core/module.ts'
import { setChallengeHidden } from './challenges.ts'
import { challengeFacts, ideaFacts } from './challenges.policy.ts'
import { findChallengeById } from './challenges.queries.ts'
import { authorsOf, findComment, findIdeaById } from './ideas.queries.ts'
import { setIdeaCommentHidden, setIdeaHidden } from './ideas.ts'

// The challenges module's kinds in the moderation registry, keyed by policy kind: each loads the facts its
// policy (challenges.policy.ts) answers 'report' and 'moderate' from.

/** Challenges: hiding one takes its ideas out of search with it. */
export const challengeModeration: ModeratableType<'challenge'> = {
  label: 'challenge',
  async load(db, id) {
    const c = await findChallengeById(db, id)
    return c ? { spaceId: c.space_id, authorId: c.created_by, title: c.title, url: `/challenges/${c.slug}`, hiddenAt: c.hidden_at, resource: challengeFacts(c) } : null
  },
  setHidden: setChallengeHidden,
}

async function loadIdea(db: Parameters<ModeratableType['load']>[0], id: string) {
  const idea = await findIdeaById(db, id)
  const c = idea ? await findChallengeById(db, idea.challenge_id) : undefined
  if (!idea || !c) return null
  return { idea, challenge: c, facts: ideaFacts(idea, (await authorsOf(db, [idea.id])).get(idea.id) ?? [], challengeFacts(c)) }
}

/** An idea (the challenge's organisers moderate it too). */
export const ideaModeration: ModeratableType<'challenge_idea'> = {
  label: 'idea',
  async load(db, id) {
    const found = await loadIdea(db, id)
    return found ? { spaceId: found.challenge.space_id, authorId: found.idea.author_id, title: found.idea.title, url: `/challenges/${found.challenge.slug}/ideas/${id}`, hiddenAt: found.idea.hidden_at, resource: found.facts } : null
  },
  setHidden: setIdeaHidden,
}

/** A comment on an idea. */
export const ideaCommentModeration: ModeratableType<'challenge_comment'> = {
  label: 'comment on an idea',
  async load(db, id) {
    const comment = await findComment(db, id)
    const found = comment ? await loadIdea(db, comment.idea_id) : null
    if (!comment || !found) return null
    return {
      spaceId: comment.space_id,
      authorId: comment.author_id,
      title: `Comment on “${found.idea.title}”: ${comment.body.slice(0, 80)}`,
      url: `/challenges/${found.challenge.slug}/ideas/${found.idea.id}#comment-${id}`,
      hiddenAt: comment.hidden_at,
      resource: { spaceId: comment.space_id, authorIds: [comment.author_id], hiddenAt: comment.hidden_at, idea: found.facts },
    }
  },
  setHidden: setIdeaCommentHidden,
}
