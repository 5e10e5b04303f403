import { spaceVisible, visibleTo, type Actor } from '../../core/access/policy.ts'
import { inWindow, shownAfterMark, type ActivityWindow, type PublishedMark } from '../../core/activity.ts'
import type { CommunitiesDb } from './communities.tables.ts'

/** The communities among `ids` the actor may see (a members-only one: its active members only). */
export async function visibleCommunitiesByIds(db: CommunitiesDb, actor: Actor, ids: string[]) {
  if (!ids.length) return []
  return db.selectFrom('communities').select(['id', 'slug', 'name']).where('id', 'in', ids).where((eb) => spaceVisible(actor, eb, 'communities.id')).execute()
}

/** Threads the actor may read, started in these communities or by these people, in a window of the activity timeline. Hidden threads are left out. */
export async function threadActivityRows(db: CommunitiesDb, actor: Actor, about: { communities: string[]; people: string[] }, window: ActivityWindow) {
  const at = new Date().toISOString()
  return db
    .selectFrom('threads')
    .innerJoin('communities', 'communities.id', 'threads.space_id')
    .select(['threads.id', 'threads.title', 'threads.body', 'threads.space_id', 'threads.author_id', 'threads.shown_at', 'communities.slug as communitySlug', 'communities.name as communityName'])
    .where('threads.hidden_at', 'is', null)
    .where((eb) => visibleTo(actor, eb, { space: 'threads.space_id', author: 'threads.author_id', hidden: 'threads.hidden_at' }, at))
    .where((eb) => inWindow(eb, 'thread', 'threads.shown_at', 'threads.id', window, at))
    .where((eb) => {
      const any = []
      if (about.communities.length) any.push(eb('threads.space_id', 'in', about.communities))
      if (about.people.length) any.push(eb('threads.author_id', 'in', about.people))
      return any.length ? eb.or(any) : eb.val(false)
    })
    .orderBy('threads.shown_at', 'desc')
    .orderBy('threads.id', 'desc')
    .limit(window.limit)
    .execute()
}

/** Every discussion shown (not hidden) started after the fan-out's mark `since` up to `until`, oldest first: the follows module's fan-out. */
export async function threadsStartedBetween(db: CommunitiesDb, since: PublishedMark, until: string, limit: number) {
  return db
    .selectFrom('threads')
    .select(['id', 'shown_at', 'author_id', 'space_id'])
    .$call((q) => shownAfterMark(q, 'shown_at', since, until, limit))
    .execute()
}
