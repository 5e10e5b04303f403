import type { SeedContext } from '../../core/module.ts'
import { peopleByHandles } from '../accounts/accounts.ts'
import { listPosts } from '../posts/posts.ts'
import { listReading } from '../reading/reading.ts'
import { grantEditor, markPublished } from './digests.queries.ts'
import { saveDigest } from './digests.ts'

// A published demo digest by an editor (Hannah), written for Openly; published without mail (no subscribers yet).
export async function seedDigests({ db }: SeedContext): Promise<void> {
  const editor = (await peopleByHandles(db, ['hannah-price'])).get('hannah-price')
  if (!editor) return
  const actor = { userId: editor.id, isAdmin: false }
  await grantEditor(db, editor.id, editor.id, new Date().toISOString())
  const [reading, posts] = await Promise.all([listReading(db, actor, { limit: 4 }), listPosts(db, { userId: null, isAdmin: false }, { limit: 2 })])
  if (reading.items.length === 0) return
  const digest = await saveDigest(
    db,
    actor,
    {
      title: 'Digest 1: starting in the open',
      intro: 'Welcome to the first digest. This month: the principles people keep quoting, a handbook for new data stewards, and two weeknotes worth stealing from.\n\nIf you read one thing, make it the design principles.',
      reading: reading.items.map((r) => r.id),
      posts: posts.items.map((p) => p.id),
    },
    null,
  )
  await markPublished(db, digest.id, new Date(Date.now() - 2 * 86_400_000).toISOString())
}
