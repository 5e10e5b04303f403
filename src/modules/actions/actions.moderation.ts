import type { ModeratableType } from '../../core/module.ts'
import { setActionHidden } from './actions.ts'
import { actionFacts } from './actions.policy.ts'
import { findActionById } from './actions.queries.ts'

/** Practical actions in the moderation registry: a moderator hides one line (not in search, so nothing to re-index). */
export const actionModeration: ModeratableType<'practical_action'> = {
  label: 'practical action',
  async load(db, id) {
    const a = await findActionById(db, id)
    return a ? { spaceId: null, authorId: a.author_id, title: a.text, url: `/actions#action-${a.id}`, hiddenAt: a.hidden_at, resource: actionFacts(a) } : null
  },
  setHidden: setActionHidden,
}
