import type { ModeratableType } from '../../core/module.ts'
import { pathOf, setEntryHidden } from './barriers.ts'
import type { WikiKind } from './barriers.tables.ts'
import { findEntryById } from './entries.queries.ts'

/** Barriers and solutions, for the moderation module: hiding a page takes it off every list and out of search. */
function wikiModeration<K extends WikiKind>(kind: K): ModeratableType<K> {
  return {
    label: kind,
    async load(db, id) {
      const e = await findEntryById(db, id)
      if (!e || e.kind !== kind) return null
      return { spaceId: e.space_id, authorId: e.created_by, title: e.title, url: pathOf(e), hiddenAt: e.hidden_at, resource: e }
    },
    setHidden: setEntryHidden,
  }
}

export const barrierModeration = wikiModeration('barrier')
export const solutionModeration = wikiModeration('solution')
