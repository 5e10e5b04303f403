import { createHash } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import type { ActivityItem, PublishedMark, SubjectRef } from '../../core/activity.ts'
import type { Actor } from '../../core/access/policy.ts'
import { defineJob } from '../../core/jobs/jobs.ts'
import { mailRecipients } from '../accounts/accounts.ts'
import { notify } from '../notifications/notifications.ts'
import { registriesOf, typesFor } from './follows.ts'
import { composeNews, immediateList } from './follows.mail.ts'
import { fanOutMarks, followersOf, insertNotice, noticesOf, setFanOutMark, settingsOf, setNoticeMail } from './follows.queries.ts'

/** How often the fan-out looks for newly published activity. */
export const FAN_OUT_SECONDS = 5
/**
 * How far behind the clock it reads: an item stamped at `now()` inside a transaction commits a moment later,
 * and a window read before that commit and then passed would miss it.
 */
const SETTLE_MS = 3_000
/** Items read per kind per run (more are read by the next round of the same run). */
const ITEMS = 200
/** Followers told per job: 100,000 followers of one project are 500 short jobs, each resumable. */
export const FOLLOWERS_PER_JOB = 200

interface Notice {
  type: string
  id: string
  at: string
  subjects: SubjectRef[]
  actors: string[]
  spaceId: string | null
  /** The last follower id of the previous batch ('' for the first). */
  after: string
}

/**
 * Every few seconds: finds what every activity source published since its mark and enqueues one job per item
 * (keyed per item, so two processes enqueue it once), moving the mark in the same transaction. Repeats itself
 * each slot; the cron restarts the chain if a process stopped.
 */
export const fanOut = defineJob<Record<string, never>>({
  name: 'follows.fan-out',
  cron: '* * * * *',
  retry: { limit: 3, delaySeconds: 10, backoff: true },
  // A heartbeat every few seconds: five minutes of finished runs is history enough, and keeps /admin/jobs readable.
  keepSeconds: 300,
  async run(_payload, { app }) {
    await fanOutNow(app)
    await startFanOut(app, FAN_OUT_SECONDS)
  },
})

/** Tells one batch of an item's followers (in-app, and by e-mail for those who chose it), then hands on the rest. */
export const tellFollowers = defineJob<Notice>({
  name: 'follows.tell-followers',
  retry: { limit: 5, delaySeconds: 30, backoff: true },
  expireSeconds: 10 * 60,
  async run(payload, { app }) {
    await tellBatch(app, payload)
  },
})

/** Enqueues the next fan-out run (once per slot, whoever asks). */
export async function startFanOut(app: FastifyInstance, inSeconds = 0): Promise<void> {
  const at = Date.now() + inSeconds * 1000
  const slot = Math.floor(at / (FAN_OUT_SECONDS * 1000))
  await app.jobs.enqueue(app.db, fanOut, {}, { key: `slot:${slot}`, startAfter: new Date(at) })
}

/**
 * What one round of a source's items enqueues, and the mark it leaves (sources read strictly after the mark, in
 * (time, id) order): a full page resumes after its last item, even inside one instant; a short one read everything
 * up to `until`.
 */
export function roundOf<T extends { id: string; at: string }>(read: T[], limit: number, until: string): PublishedMark {
  const last = read[read.length - 1]
  return read.length < limit || !last ? { at: until, id: null } : { at: last.at, id: last.id }
}

/** Reads every source's new items up to a moment ago and enqueues their notices; returns how many items. */
export async function fanOutNow(app: FastifyInstance): Promise<number> {
  const reg = registriesOf(app.modules)
  const until = new Date(Date.now() - SETTLE_MS).toISOString()
  const marks = await fanOutMarks(app.db)
  let found = 0
  for (const [type, source] of reg.sources) {
    if (!source.published) continue
    let since: PublishedMark = marks.get(type) ?? marks.get('*') ?? { at: until, id: null }
    while (since.at < until || (since.at === until && since.id !== null)) {
      const read = await source.published(app.db, since, until, ITEMS)
      const next = roundOf(read, ITEMS, until)
      await app.db.transaction().execute(async (trx) => {
        for (const item of read) await app.jobs.enqueue(trx, tellFollowers, { type, ...item, after: '' }, { key: `${type}:${item.id}` })
        await setFanOutMark(trx, type, next)
      })
      found += read.length
      if (next.id === null) break
      since = next
    }
  }
  return found
}

async function tellBatch(app: FastifyInstance, notice: Notice): Promise<void> {
  const reg = registriesOf(app.modules)
  const source = reg.sources.get(notice.type)
  if (!source) return
  const followers = await followersOf(app.db, notice.subjects, notice.after, FOLLOWERS_PER_JOB)
  if (followers.length === FOLLOWERS_PER_JOB) {
    const last = followers[followers.length - 1]!
    await app.jobs.enqueue(app.db, tellFollowers, { ...notice, after: last }, { key: `${notice.type}:${notice.id}:${last}` })
  }
  const ids = followers.filter((id) => !notice.actors.includes(id))
  const [settings, recipients, told] = await Promise.all([settingsOf(app.db, ids), mailRecipients(app.db, ids), noticesOf(app.db, ids, notice.type, notice.id)])
  const label = source.label
  for (const id of ids) {
    const already = told.get(id)
    if (already !== undefined && already !== 'pending') continue
    const wanted = typesFor(reg, settings.get(id), (d) => d === 'app' || d === 'immediate').includes(notice.type)
    const byMail = typesFor(reg, settings.get(id), (d) => d === 'immediate').includes(notice.type)
    const person = recipients.get(id)
    if (!person || (already === undefined && !wanted)) continue
    // As the follower, now: a private space's item never reaches someone who is not (or no longer) a member.
    const item = await seenBy(app, notice, person.actor)
    if (!item) {
      if (already === 'pending') await setNoticeMail(app.db, id, notice.type, notice.id, 'withdrawn')
      continue
    }
    if (already === undefined) {
      const fresh = await app.db.transaction().execute(async (trx) => {
        if (!(await insertNotice(trx, { user_id: id, activity_type: notice.type, item_id: notice.id, mail: byMail ? 'pending' : 'none', created_at: new Date().toISOString() }))) return false
        await notify(trx, [{ userId: id, kind: 'followed', text: `${label}: ${item.title}${item.byline ? ` (${item.byline})` : ''}`, url: item.url, spaceId: notice.spaceId }])
        return true
      })
      if (!fresh || !byMail) continue
    }
    const mail = await composeNews(app, reg, person, immediateList, `New from what you follow: ${item.title}`, [item])
    const digest = createHash('sha256').update(`${id}:${notice.type}:${notice.id}`).digest('hex').slice(0, 24)
    mail.headers = { ...mail.headers, 'Message-ID': `<news.${digest}@${new URL(app.config.baseUrl).hostname}>` }
    await setNoticeMail(app.db, id, notice.type, notice.id, await app.mailer.deliver(mail))
  }
}

/** The item as this reader may see it now, or null: the source's own read, narrowed to the item's instant. */
async function seenBy(app: FastifyInstance, notice: Notice, actor: Actor): Promise<ActivityItem | null> {
  const source = registriesOf(app.modules).sources.get(notice.type)!
  const since = new Date(Date.parse(notice.at) - 1).toISOString()
  const items = await source.list(app.db, actor, notice.subjects, { before: null, since, limit: 50 })
  return items.find((i) => i.id === notice.id) ?? null
}
