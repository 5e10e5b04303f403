import type { SeedContext } from '../../core/module.ts'
import { peopleByHandles } from '../accounts/accounts.ts'
import { updateFeed } from './syndication.queries.ts'
import { registerFeed } from './syndication.ts'

// A demo registration: Priya's team blog, paused so nothing is fetched at start (the demo works offline).
export async function seedSyndication({ db }: SeedContext): Promise<void> {
  const priya = (await peopleByHandles(db, ['priya-natarajan'])).get('priya-natarajan')
  if (!priya) return
  const feed = await registerFeed(db, { userId: priya.id, isAdmin: false }, { url: 'https://bin-alerts.example.org/feed.atom', project: '', auto_import: true }, false)
  await updateFeed(db, feed.id, { status: 'paused', title: 'Bin collection alerts: team blog' })
}
