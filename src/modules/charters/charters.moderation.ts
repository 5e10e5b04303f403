import type { ModeratableType } from '../../core/module.ts'
import { findAmendmentById, findComment } from './amendments.queries.ts'
import { setAmendmentCommentHidden, setAmendmentHidden } from './amendments.ts'
import { findCharterById } from './charters.queries.ts'

/** Amendments, for the moderation module: hiding one also takes it out of search (and out of votes and decisions). */
export const amendmentModeration: ModeratableType<'amendment'> = {
  label: 'amendment',
  async load(db, id) {
    const a = await findAmendmentById(db, id)
    const charter = a ? await findCharterById(db, a.charter_id) : undefined
    if (!a || !charter) return null
    return {
      spaceId: charter.space_id,
      authorId: a.author_id,
      title: `Amendment ${a.number} to “${charter.title}”: ${a.reason.slice(0, 80)}`,
      url: `/charters/${charter.slug}/amendments/${a.number}`,
      hiddenAt: a.hidden_at,
      resource: { charter, amendment: a },
    }
  },
  setHidden: setAmendmentHidden,
}

/** Comments on amendments, for the moderation module (not in search). A comment is seen where its amendment is. */
export const amendmentCommentModeration: ModeratableType<'amendmentComment'> = {
  label: 'comment on an amendment',
  async load(db, id) {
    const c = await findComment(db, id)
    const a = c ? await findAmendmentById(db, c.amendment_id) : undefined
    const charter = a ? await findCharterById(db, a.charter_id) : undefined
    if (!c || !a || !charter) return null
    return {
      spaceId: charter.space_id,
      authorId: c.author_id,
      title: `Comment on amendment ${a.number} to “${charter.title}”: ${c.body.slice(0, 80)}`,
      url: `/charters/${charter.slug}/amendments/${a.number}#comment-${c.id}`,
      hiddenAt: c.hidden_at,
      resource: { charter, amendment: a, comment: c },
    }
  },
  setHidden: setAmendmentCommentHidden,
}
