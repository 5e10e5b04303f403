import type { Db } from '../../core/db/database.ts'
import { can } from '../../core/access/can.ts'
import type { Actor } from '../../core/access/policy.ts'
import { freeSlug, newId, now } from '../../core/db/ids.ts'
import { invalid, notFound } from '../../core/errors.ts'
import type { Values } from '../../core/http/forms.ts'
import type { Jobs } from '../../core/jobs/jobs.ts'
import { renderMarkdown } from '../../core/markdown/markdown.ts'
import { audit } from '../../core/audit.ts'
import { peopleByHandles, peopleByIds } from '../accounts/accounts.ts'
import { listPosts, postsByIds } from '../posts/posts.ts'
import { listReading, readingItemsByIds } from '../reading/reading.ts'
import { digestFacts } from './digests.policy.ts'
import {
  addDeliveriesForSubscribers,
  digestSlugsLike,
  draftRows,
  editorIds,
  findDigestBySlug,
  grantEditor,
  isSubscribed,
  itemsOfDigest,
  listDigestRows,
  markPublished,
  pendingRecipientIds,
  revokeEditor,
  subscribe,
  unsubscribe,
  writeDigest,
  type DigestRow,
} from './digests.queries.ts'
import type { digestSchema } from './digests.schemas.ts'
import { sendBatchJob, BATCH_SIZE } from './digests.jobs.ts'

export type DigestInput = Values<typeof digestSchema>
export type { DigestRow }

/** One pick of a digest as a reader (or a recipient) may see it. */
export interface DigestEntry {
  kind: 'reading' | 'post'
  title: string
  summary: string
  /** Where it leads: the link itself for a reading-list item, the post's page for a post (absolute when `base` given). */
  url: string
  /** Its page on Openly. */
  page: string
}

/** May the actor compose digests (the editor role)? */
export async function mayCompose(db: Db, actor: Actor): Promise<boolean> {
  return can(db, actor, 'edit', 'digest_desk', {})
}

/** The digest at `slug` if the actor may read it (a draft: its editor), else 404. */
export async function viewableDigest(db: Db, actor: Actor, slug: string): Promise<DigestRow> {
  const d = await findDigestBySlug(db, slug)
  if (!d || !(await can(db, actor, 'view', 'digest', digestFacts(d)))) throw notFound('Digest')
  return d
}

/** A draft the actor may edit, else 404. */
export async function editableDigest(db: Db, actor: Actor, slug: string): Promise<DigestRow> {
  const d = await viewableDigest(db, actor, slug)
  if (!(await can(db, actor, 'edit', 'digest', digestFacts(d)))) throw notFound('Digest')
  return d
}

/**
 * The picks of a digest that `actor` may see now, in the editor's order: every page view and every e-mail asks
 * again, so a pick that was hidden, made private or deleted since is left out for whoever may not see it.
 */
export async function digestEntries(db: Db, actor: Actor, digest: DigestRow, base = ''): Promise<DigestEntry[]> {
  const items = await itemsOfDigest(db, digest.id)
  const [reading, posts] = await Promise.all([
    readingItemsByIds(db, actor, items.filter((i) => i.kind === 'reading').map((i) => i.ref_id)),
    postsByIds(db, actor, items.filter((i) => i.kind === 'post').map((i) => i.ref_id)),
  ])
  const byId = new Map(reading.map((r) => [r.id, r]))
  return items.flatMap((i): DigestEntry[] => {
    if (i.kind === 'reading') {
      const r = byId.get(i.ref_id)
      return r ? [{ kind: 'reading', title: r.title, summary: r.summary, url: r.url, page: `${base}${r.path}` }] : []
    }
    const p = posts.get(i.ref_id)
    return p ? [{ kind: 'post', title: p.title, summary: p.excerpt, url: `${base}${p.url}`, page: `${base}${p.url}` }] : []
  })
}

/** What an editor may pick from: the latest reading-list items and posts they can see. */
export async function pickChoices(db: Db, actor: Actor): Promise<{ reading: Array<{ value: string; text: string }>; posts: Array<{ value: string; text: string }> }> {
  const [reading, posts] = await Promise.all([listReading(db, actor, { limit: 30 }), listPosts(db, actor, { limit: 30 })])
  return { reading: reading.items.map((r) => ({ value: r.id, text: r.title })), posts: posts.items.map((p) => ({ value: p.id, text: p.title })) }
}

/** Creates (existing = null) or changes a draft, checking every pick is one the editor may see. */
export async function saveDigest(db: Db, actor: Actor & { userId: string }, input: DigestInput, existing: DigestRow | null): Promise<DigestRow> {
  if (!existing && !(await mayCompose(db, actor))) throw notFound()
  const [reading, posts] = await Promise.all([readingItemsByIds(db, actor, input.reading), postsByIds(db, actor, input.posts)])
  const errors: Record<string, string> = {}
  if (reading.length !== new Set(input.reading).size) errors.reading = 'Select reading list items from the list'
  if (posts.size !== new Set(input.posts).size) errors.posts = 'Select posts from the list'
  if (input.reading.length + input.posts.length === 0) errors.reading = 'Pick at least one reading list item or post'
  if (Object.keys(errors).length) throw invalid(errors)
  const t = now()
  const row: DigestRow = {
    id: existing?.id ?? newId(),
    slug: existing?.slug ?? (await freeSlug(input.title, (base) => digestSlugsLike(db, base), { fallback: 'digest', reserved: ['new', 'feed', 'subscription'], max: 60 })),
    title: input.title,
    intro: input.intro,
    intro_html: renderMarkdown(input.intro),
    editor_id: existing?.editor_id ?? actor.userId,
    space_id: null,
    published_at: null,
    created_at: existing?.created_at ?? t,
    updated_at: t,
  }
  const items = [...input.reading.map((ref_id) => ({ kind: 'reading' as const, ref_id })), ...input.posts.map((ref_id) => ({ kind: 'post' as const, ref_id }))]
  await writeDigest(db, row, items, !existing)
  return row
}

/**
 * Publishes a draft as a page and sends it: in one transaction, the digest is published (once, however many
 * clicks), a delivery row is written for every subscriber, and one job per batch of recipients is enqueued —
 * so the jobs exist exactly when the publication does.
 */
export async function publishDigest(db: Db, jobs: Jobs, actor: Actor, digest: DigestRow): Promise<boolean> {
  if (!(await can(db, actor, 'edit', 'digest', digestFacts(digest)))) throw notFound('Digest')
  if (!(await markPublished(db, digest.id, now()))) return false
  await addDeliveriesForSubscribers(db, digest.id)
  let after = ''
  for (;;) {
    const batch = await pendingRecipientIds(db, digest.id, after, BATCH_SIZE)
    if (batch.length === 0) break
    await jobs.enqueue(db, sendBatchJob, { digestId: digest.id, userIds: batch })
    after = batch[batch.length - 1]!
  }
  return true
}

/** Published digests the actor may see, newest first. */
export async function listDigests(db: Db, actor: Actor, options: { cursor?: unknown; limit: number }) {
  return listDigestRows(db, actor, options)
}

export async function draftsOf(db: Db, actor: Actor): Promise<DigestRow[]> {
  return actor.userId && (await mayCompose(db, actor)) ? draftRows(db, actor.userId) : []
}

export async function digestSubscription(db: Db, userId: string): Promise<boolean> {
  return isSubscribed(db, userId)
}

/** Opts in or out of digests by e-mail. */
export async function setDigestSubscription(db: Db, userId: string, on: boolean): Promise<void> {
  if (on) await subscribe(db, userId, now())
  else await unsubscribe(db, userId)
}

/** The editors, labelled (for the admins' page). */
export async function digestEditors(db: Db): Promise<Array<{ id: string; handle: string; name: string }>> {
  const people = await peopleByIds(db, await editorIds(db))
  return [...people.values()].map((p) => ({ id: p.id, handle: p.handle, name: p.name }))
}

/** Grants or takes back the editor role (platform admins), audited. */
export async function setEditor(db: Db, actor: Actor & { userId: string }, handle: string, editor: boolean): Promise<void> {
  if (!(await can(db, actor, 'manage', 'digest_desk', {}))) throw notFound()
  const person = (await peopleByHandles(db, [handle])).get(handle.replace(/^@/, '').toLowerCase())
  if (!person) throw invalid({ handle: 'There is no one with this handle' })
  if (editor) await grantEditor(db, person.id, actor.userId, now())
  else await revokeEditor(db, person.id)
  await audit(db, { actorId: actor.userId, action: editor ? 'digest_editor_granted' : 'digest_editor_revoked', subjectType: 'person', subjectId: person.id, reason: '', subjectTitle: person.name, subjectUrl: `/people/${person.handle}` })
}
