import type { Db } from '../../core/db/database.ts'
import { can } from '../../core/access/can.ts'
import type { Actor } from '../../core/access/policy.ts'
import { newId, now } from '../../core/db/ids.ts'
import { invalid, notFound } from '../../core/errors.ts'
import type { Values } from '../../core/http/forms.ts'
import { projectsByIds, projectsOfPerson } from '../projects/projects.ts'
import { isPrivateAddress } from './fetch.ts'
import { importQueued } from './poll.ts'
import { deleteFeed, feedsOfOwner, findFeed, findOwnFeedByUrl, insertFeed, itemsOfFeed, setItemStates, updateFeed, type FeedRow, type ItemRow } from './syndication.queries.ts'
import type { feedSchema } from './syndication.schemas.ts'
import { isIP } from 'node:net'

export type FeedInput = Values<typeof feedSchema>
export type { FeedRow, ItemRow }

/** The feed with this id if the actor manages it (its owner), else 404. */
export async function managedFeed(db: Db, actor: Actor, id: string): Promise<FeedRow> {
  const feed = await findFeed(db, id)
  if (!feed || !(await can(db, actor, 'manage', 'syndicated_feed', { ownerId: feed.owner_id }))) throw notFound('Feed')
  return feed
}

/**
 * Registers a blog's feed for the actor, or for a project they are on. Nothing is fetched now: the poller
 * reads it (an address at a private network is refused there too, where the connection is made).
 */
export async function registerFeed(db: Db, actor: Actor & { userId: string }, input: FeedInput, allowPrivate: boolean): Promise<FeedRow> {
  const url = new URL(input.url)
  const host = url.hostname.replace(/^\[|\]$/g, '')
  if (!allowPrivate && (host === 'localhost' || host.endsWith('.localhost') || (isIP(host) && isPrivateAddress(host)))) throw invalid({ url: 'Enter the address of a feed on the public web' })
  let projectId: string | null = null
  if (input.project) {
    const mine = await projectsOfPerson(db, actor, actor.userId)
    if (!mine.some((p) => p.id === input.project)) throw invalid({ project: 'Select a project you are on, or none' })
    projectId = input.project
  }
  if (await findOwnFeedByUrl(db, actor.userId, url.toString())) throw invalid({ url: 'You have already registered this feed' })
  const t = now()
  const row: FeedRow = { id: newId(), url: url.toString(), owner_id: actor.userId, project_id: projectId, title: '', site_url: '', status: 'active', auto_import: input.auto_import ? 1 : 0, etag: null, last_modified: null, failures: 0, last_error: '', polled_at: null, next_poll_at: t, created_at: t, updated_at: t }
  await insertFeed(db, row)
  return row
}

/** The actor's registered feeds, with the project each is for (when they may still see it). */
export async function myFeeds(db: Db, actor: Actor & { userId: string }): Promise<Array<FeedRow & { project: { slug: string; name: string } | null }>> {
  const feeds = await feedsOfOwner(db, actor.userId)
  const projects = await projectsByIds(db, actor, feeds.flatMap((f) => (f.project_id ? [f.project_id] : [])))
  return feeds.map((f) => {
    const p = f.project_id ? projects.get(f.project_id) : undefined
    return { ...f, project: p ? { slug: p.slug, name: p.name } : null }
  })
}

/** What a feed has found, newest first. */
export async function entriesOf(db: Db, feed: FeedRow): Promise<ItemRow[]> {
  return itemsOfFeed(db, feed.id)
}

/** Imports the chosen entries the owner has not imported or skipped yet (each once, whatever happens). */
export async function importChosen(db: Db, feed: FeedRow, ids: string[]): Promise<number> {
  await setItemStates(db, feed.id, ids, ['new', 'skipped'], 'queued')
  return importQueued(db, feed.id)
}

/** Leaves chosen entries out. */
export async function skipChosen(db: Db, feed: FeedRow, ids: string[]): Promise<void> {
  await setItemStates(db, feed.id, ids, ['new', 'queued'], 'skipped')
}

/** Pauses polling, or resumes it (a stopped feed starts again with a clean slate, polled at once). */
export async function setFeedPaused(db: Db, feed: FeedRow, paused: boolean): Promise<void> {
  const t = now()
  await updateFeed(db, feed.id, paused ? { status: 'paused', updated_at: t } : { status: 'active', failures: 0, last_error: '', next_poll_at: t, updated_at: t })
}

/** Removes a feed and what it found (the posts already imported stay: they are posts now). */
export async function removeFeed(db: Db, feed: FeedRow): Promise<void> {
  await deleteFeed(db, feed.id)
}

/** Whether the owner may choose among projects they are on. */
export async function feedProjectChoices(db: Db, actor: Actor & { userId: string }): Promise<Array<{ value: string; text: string }>> {
  return (await projectsOfPerson(db, actor, actor.userId)).map((p) => ({ value: p.id, text: p.name }))
}
