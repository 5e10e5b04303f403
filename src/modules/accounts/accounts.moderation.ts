import type { ModeratableType } from '../../core/module.ts'
import { peopleByIds } from './accounts.queries.ts'
import { setPersonHidden } from './accounts.ts'

/**
 * People's profiles, for the moderation module: hiding a profile takes it off the site and out of search
 * (its owner still sees it). A person belongs to no space, so platform admins moderate profiles.
 */
export const personModeration: ModeratableType<'person'> = {
  label: 'person',
  async load(db, id) {
    const person = (await peopleByIds(db, [id])).get(id)
    if (!person) return null
    return { spaceId: null, authorId: person.id, title: `${person.name} (@${person.handle})`, url: `/people/${person.handle}`, hiddenAt: person.hiddenAt, resource: person }
  },
  setHidden: setPersonHidden,
}
