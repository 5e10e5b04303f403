import type { Db } from '../../core/db/database.ts'
import { can } from '../../core/access/can.ts'
import type { Actor } from '../../core/access/policy.ts'
import type { ContentFacts } from '../../core/access/spaces.policy.ts'
import { holdForApproval } from '../../core/access/trust.ts'
import { isUniqueViolation } from '../../core/db/errors.ts'
import { freeSlug, newId, now, slugify } from '../../core/db/ids.ts'
import { invalid, notFound } from '../../core/errors.ts'
import type { Values } from '../../core/http/forms.ts'
import { indexDocument, removeDocument } from '../../core/search/search.ts'
import { peopleByIds } from '../accounts/accounts.ts'
import { readingFacts } from './reading.policy.ts'
import {
  deleteItemRow,
  findItemById,
  findItemBySlug,
  findItemByUrl,
  insertItem,
  itemSlugsLike,
  listItemRows,
  setItemHiddenAt,
  tagsOfItems,
  updateItemRow,
  visibleItemRowsByIds,
  type ReadingRow,
} from './reading.queries.ts'
import type { readingSchema } from './reading.schemas.ts'

export type ReadingInput = Values<typeof readingSchema>
export type { ReadingRow }

/** A reading-list item as pages, feeds, digests and the API show it. */
export interface ReadingCard {
  id: string
  slug: string
  /** Its page on Openly. */
  path: string
  url: string
  /** The link's host name, to say where it leads. */
  host: string
  title: string
  summary: string
  tags: string[]
  addedBy: { id: string; handle: string; name: string; public: boolean } | null
  createdAt: string
  updatedAt: string
  hidden: boolean
}

const RESERVED = ['new', 'feed', 'tags']

/** Tags as slugs ("Digital inclusion" → "digital-inclusion"), de-duplicated. */
export function readingTags(tags: string[]): string[] {
  return [...new Set(tags.map((t) => slugify(t).slice(0, 40)).filter(Boolean))]
}

/** The item at `slug` if the actor may read it, else 404. */
export async function viewableItem(db: Db, actor: Actor, slug: string): Promise<{ item: ReadingRow; facts: ContentFacts }> {
  const item = await findItemBySlug(db, slug)
  if (!item) throw notFound('Reading list item')
  const facts = readingFacts(item)
  if (!(await can(db, actor, 'view', 'reading_item', facts))) throw notFound('Reading list item')
  return { item, facts }
}

/** The item at `slug` if the actor may edit it (the member who added it), else 404. */
export async function editableItem(db: Db, actor: Actor, slug: string): Promise<ReadingRow> {
  const { item, facts } = await viewableItem(db, actor, slug)
  if (!(await can(db, actor, 'edit', 'reading_item', facts))) throw notFound('Reading list item')
  return item
}

const alreadyListed = (existing: ReadingRow) => invalid({ url: `This link is already on the reading list as “${existing.title.slice(0, 80)}”` })

/** Adds a link to the reading list, in the caller's transaction. One entry per link. */
export async function addReadingItem(db: Db, actor: Actor & { userId: string }, input: ReadingInput): Promise<ReadingRow> {
  const existing = await findItemByUrl(db, input.url)
  if (existing) throw alreadyListed(existing)
  const id = newId()
  const slug = await freeSlug(input.title, (base) => itemSlugsLike(db, base), { fallback: 'link', reserved: RESERVED, max: 60 })
  const t = now()
  // Every item is a link: a new account's waits for a moderator's approval (trust levels).
  const hiddenAt = await holdForApproval(db, actor, { type: 'reading_item', id, spaceId: null, title: input.title, url: `/reading/${slug}`, text: `${input.url} ${input.summary}` })
  const row: ReadingRow = { id, slug, url: input.url, title: input.title, summary: input.summary, added_by: actor.userId, space_id: null, hidden_at: hiddenAt, shown_at: hiddenAt ? null : t, created_at: t, updated_at: t }
  const tags = readingTags(input.tags)
  try {
    await insertItem(db, row, tags)
  } catch (err) {
    // Two members adding the same link at once: the second is told, as if it had been there before.
    if (isUniqueViolation(err)) throw invalid({ url: 'This link is already on the reading list' })
    throw err
  }
  await indexItem(db, row, tags)
  return row
}

/** Saves changes to an item by the member who added it. */
export async function updateReadingItem(db: Db, actor: Actor, item: ReadingRow, input: ReadingInput): Promise<ReadingRow> {
  if (input.url !== item.url) {
    const existing = await findItemByUrl(db, input.url)
    if (existing) throw alreadyListed(existing)
  }
  const hiddenAt = item.hidden_at ?? (await holdForApproval(db, actor, { type: 'reading_item', id: item.id, spaceId: null, title: input.title, url: `/reading/${item.slug}`, text: `${input.url} ${input.summary}` }))
  const changes = { url: input.url, title: input.title, summary: input.summary, hidden_at: hiddenAt, updated_at: now() }
  const tags = readingTags(input.tags)
  try {
    await updateItemRow(db, item.id, changes, { list: tags, createdAt: item.created_at })
  } catch (err) {
    if (isUniqueViolation(err)) throw invalid({ url: 'This link is already on the reading list' })
    throw err
  }
  const updated = { ...item, ...changes }
  await indexItem(db, updated, tags)
  return updated
}

/** Removes an item (the member who added it). */
export async function removeReadingItem(db: Db, actor: Actor, slug: string): Promise<void> {
  const item = await editableItem(db, actor, slug)
  await deleteItemRow(db, item.id)
  await removeDocument(db, 'reading_item', item.id)
}

/** Hides or restores an item (moderation), in the search index too. */
export async function setReadingItemHidden(db: Db, id: string, hidden: boolean): Promise<void> {
  await setItemHiddenAt(db, id, hidden ? now() : null)
  const item = await findItemById(db, id)
  if (item) await indexItem(db, item, (await tagsOfItems(db, [id])).get(id) ?? [])
}

async function indexItem(db: Db, item: ReadingRow, tags: string[]): Promise<void> {
  await indexDocument(db, {
    type: 'reading_item',
    id: item.id,
    title: item.title,
    body: [item.summary, new URL(item.url).hostname, tags.join(' ')].join('\n'),
    url: `/reading/${item.slug}`,
    spaceId: null,
    visibleFrom: item.hidden_at ? null : item.created_at,
  })
}

/** A page of the reading list the actor may see, perhaps of one tag. */
export async function listReading(db: Db, actor: Actor, filter: { tag?: string; cursor?: unknown; limit: number }): Promise<{ items: ReadingCard[]; next: string | null }> {
  const page = await listItemRows(db, actor, filter)
  return { items: await readingCards(db, page.items), next: page.next }
}

/** The reading-list items among `ids` that the actor may read, labelled, in the order of `ids` (digests use it per recipient). */
export async function readingItemsByIds(db: Db, actor: Actor, ids: string[]): Promise<ReadingCard[]> {
  const cards = await readingCards(db, await visibleItemRowsByIds(db, actor, ids))
  const byId = new Map(cards.map((c) => [c.id, c]))
  return ids.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []))
}

/** Labels rows with their tags and who added them, in two batched look-ups. */
export async function readingCards(db: Db, rows: ReadingRow[]): Promise<ReadingCard[]> {
  const [tags, people] = await Promise.all([tagsOfItems(db, rows.map((r) => r.id)), peopleByIds(db, rows.map((r) => r.added_by))])
  return rows.map((r) => {
    const p = people.get(r.added_by)
    return {
      id: r.id,
      slug: r.slug,
      path: `/reading/${r.slug}`,
      url: r.url,
      host: new URL(r.url).hostname.replace(/^www\./, ''),
      title: r.title,
      summary: r.summary,
      tags: tags.get(r.id) ?? [],
      addedBy: p ? { id: p.id, handle: p.handle, name: p.name, public: p.public } : null,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      hidden: r.hidden_at !== null,
    }
  })
}
