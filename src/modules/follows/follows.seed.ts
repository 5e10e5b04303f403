import type { SeedContext } from '../../core/module.ts'
import { now } from '../../core/db/ids.ts'
import { ANONYMOUS } from '../../core/access/policy.ts'
import { peopleByHandles } from '../accounts/accounts.ts'
import { listPosts } from '../posts/posts.ts'
import { DEMO_FAN_OUT_HOURS, DEMO_FOLLOWERS, DEMO_MEMBER } from './follows.demo.ts'
import { insertFollow, setFanOutMark, upsertSetting } from './follows.queries.ts'
import { planDigests } from './follows.mail.ts'

/**
 * Demo people follow the projects, organisations, tags and writers of the demo posts they did not write, so their
 * timelines are full on first start; one chose e-mail as it happens for posts. The demo member also follows two
 * people who log practical actions and hears of posts and actions on the site: the fan-out's first run (seconds
 * after start) reads the demo's last two days, so their notifications come from the real fan-out jobs.
 * Tomorrow morning's digest planning waits in the job queue (Admin → Background jobs).
 */
export async function seedFollows({ db, jobs }: SeedContext): Promise<void> {
  const { items: posts } = await listPosts(db, ANONYMOUS, { limit: 100 })
  const people = await peopleByHandles(db, [...DEMO_FOLLOWERS.map((f) => f.handle), ...DEMO_MEMBER.alsoFollows])
  const at = now()
  for (const follower of DEMO_FOLLOWERS) {
    const person = people.get(follower.handle)
    if (!person) continue
    const others = posts.filter((p) => !p.authors.some((a) => a.id === person.id))
    const subjects = new Map<string, { kind: string; id: string }>()
    for (const p of others.slice(0, follower.posts)) {
      if (p.project) subjects.set(`project:${p.project.id}`, { kind: 'project', id: p.project.id })
      if (p.organisation && follower.organisations) subjects.set(`organisation:${p.organisation.id}`, { kind: 'organisation', id: p.organisation.id })
      for (const tag of p.tags.slice(0, 1)) subjects.set(`tag:${tag}`, { kind: 'tag', id: tag })
      const writer = p.authors.find((a) => a.public)
      if (writer && follower.writers) subjects.set(`person:${writer.id}`, { kind: 'person', id: writer.id })
    }
    for (const s of subjects.values()) await insertFollow(db, person.id, s, at)
    if (follower.immediate) await upsertSetting(db, person.id, 'post', 'immediate', at)
  }
  const member = people.get(DEMO_MEMBER.handle)
  if (member) {
    for (const handle of DEMO_MEMBER.alsoFollows) {
      const followed = people.get(handle)
      if (followed) await insertFollow(db, member.id, { kind: 'person', id: followed.id }, at)
    }
    for (const type of DEMO_MEMBER.onTheSite) await upsertSetting(db, member.id, type, 'app', at)
  }
  await setFanOutMark(db, '*', { at: new Date(Date.now() - DEMO_FAN_OUT_HOURS * 3_600_000).toISOString(), id: null })
  const tomorrow = new Date()
  tomorrow.setUTCDate(tomorrow.getUTCDate() + 1)
  tomorrow.setUTCHours(6, 0, 0, 0)
  await jobs?.enqueue(db, planDigests, { at: tomorrow.toISOString() }, { startAfter: tomorrow, key: `demo:${tomorrow.toISOString()}` })
}
