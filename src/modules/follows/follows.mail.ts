import { createHash } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import type { ActivityItem } from '../../core/activity.ts'
import { defineJob } from '../../core/jobs/jobs.ts'
import { composeListMail, type MailList } from '../../core/mail/unsubscribe.ts'
import { mailRecipients, type MailRecipient } from '../accounts/accounts.ts'
import { activityAbout, labelsOf, registriesOf, typesFor, type Registries } from './follows.ts'
import { claimMailing, downgradeSettings, followedBy, followersAfter, lastUntil, mailingsOn, settingsOf, settleMailing } from './follows.queries.ts'
import { DEFAULT_DELIVERY, type Delivery, type Period } from './follows.tables.ts'
import { localMorning } from './morning.ts'

/** The most items one e-mail lists; the rest wait on the timeline. */
const MAX_ITEMS = 50
/** People per digest job: a crash costs at most one batch's retry, which skips who already got theirs. */
const BATCH = 50

export const digestList: MailList = {
  id: 'follows.digest',
  label: 'daily and weekly digests of what you follow',
  settingsPath: '/following',
  unsubscribe: (db, userId) => downgradeSettings(db, userId, ['daily', 'weekly'], DEFAULT_DELIVERY, new Date().toISOString()),
}

export const immediateList: MailList = {
  id: 'follows.immediate',
  label: 'e-mails about what you follow as it happens',
  settingsPath: '/following',
  unsubscribe: (db, userId) => downgradeSettings(db, userId, ['immediate'], DEFAULT_DELIVERY, new Date().toISOString()),
}

// ---------------------------------------------------------------- digests

/** Every quarter of an hour: finds who is in their morning now and has no digest for today yet, and enqueues them in batches. */
export const planDigests = defineJob<{ at?: string }>({
  name: 'follows.plan-digests',
  cron: '*/15 * * * *',
  retry: { limit: 2, delaySeconds: 60, backoff: true },
  keepSeconds: 2 * 86_400,
  async run(payload, { app }) {
    await planDigestsAt(app, payload.at ? new Date(payload.at) : new Date())
  },
})

/** Sends one batch of digests: each person's at most once (a retry after a crash skips whoever got theirs). */
export const sendDigests = defineJob<{ period: 'daily' | 'weekly'; people: Array<{ id: string; day: string }> }>({
  name: 'follows.send-digests',
  retry: { limit: 5, delaySeconds: 60, backoff: true },
  expireSeconds: 10 * 60,
  async run(payload, { app, id }) {
    await sendDigestBatch(app, id, payload.period, payload.people)
  },
})

/** Who is due a digest at this instant, by the local morning of their time zone. */
export async function planDigestsAt(app: FastifyInstance, at: Date): Promise<number> {
  const reg = registriesOf(app.modules)
  let after = ''
  let planned = 0
  for (;;) {
    const ids = await followersAfter(app.db, after, 500)
    if (!ids.length) break
    after = ids[ids.length - 1]!
    const [settings, recipients] = await Promise.all([settingsOf(app.db, ids), mailRecipients(app.db, ids)])
    for (const period of ['daily', 'weekly'] as const) {
      const due: Array<{ id: string; day: string }> = []
      for (const id of ids) {
        const person = recipients.get(id)
        if (!person || !typesFor(reg, settings.get(id), (d) => d === period).length) continue
        const morning = localMorning(person.timeZone, at)
        if (morning.isMorning && (period === 'daily' || morning.isMonday)) due.push({ id, day: morning.day })
      }
      const done = new Set((await mailingsOn(app.db, due.map((p) => p.id), period, [...new Set(due.map((p) => p.day))])).map((m) => `${m.user_id}:${m.day}`))
      const todo = due.filter((p) => !done.has(`${p.id}:${p.day}`))
      for (let i = 0; i < todo.length; i += BATCH) {
        const people = todo.slice(i, i + BATCH)
        const key = createHash('sha256').update(JSON.stringify(people)).digest('base64url')
        if (await app.jobs.enqueue(app.db, sendDigests, { period, people }, { key: `${period}:${key}` })) planned += people.length
      }
    }
  }
  return planned
}

async function sendDigestBatch(app: FastifyInstance, jobId: string, period: 'daily' | 'weekly', people: Array<{ id: string; day: string }>): Promise<void> {
  const reg = registriesOf(app.modules)
  const ids = people.map((p) => p.id)
  const [recipients, settings, previous] = await Promise.all([mailRecipients(app.db, ids), settingsOf(app.db, ids), lastUntil(app.db, ids, period)])
  const span = (period === 'daily' ? 1 : 7) * 86_400_000
  for (const { id, day } of people) {
    const person = recipients.get(id)
    const since = previous.get(id) ?? new Date(Date.now() - span).toISOString()
    const key = { user_id: id, period, day }
    if (!(await claimMailing(app.db, { ...key, job_id: jobId, until: since, created_at: new Date().toISOString() }))) continue
    const until = new Date().toISOString()
    if (!person) {
      await settleMailing(app.db, key, 'empty', until)
      continue
    }
    const items = await newsFor(app, reg, person, settings.get(id), period, since)
    if (!items.length) {
      await settleMailing(app.db, key, 'empty', until)
      continue
    }
    const title = period === 'daily' ? 'Your daily digest' : 'Your weekly digest'
    const mail = await composeNews(app, reg, person, digestList, `${title}: ${items.length === 1 ? '1 new thing' : `${items.length} new things`} from what you follow`, items)
    mail.headers = { ...mail.headers, 'Message-ID': `<digest.${period}.${day}.${id}@${new URL(app.config.baseUrl).hostname}>` }
    const outcome = await app.mailer.deliver(mail)
    await settleMailing(app.db, key, outcome, until)
  }
}

// ---------------------------------------------------------------- composing

/** What the person may see now, since `since`, of the kinds they hear of this way: the access re-check at sending. */
async function newsFor(app: FastifyInstance, reg: Registries, person: MailRecipient, chosen: Map<string, Delivery> | undefined, period: Period, since: string): Promise<ActivityItem[]> {
  const types = typesFor(reg, chosen, (d) => d === period)
  if (!types.length) return []
  const subjects = await followedBy(app.db, person.id)
  return activityAbout(app.db, reg, person.actor, subjects, types, { before: null, since, limit: MAX_ITEMS })
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)
const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

/** One e-mail listing the items grouped by what the person follows, in plain text and HTML, with the one-click unsubscribe. */
export async function composeNews(app: FastifyInstance, reg: Registries, person: MailRecipient, list: MailList, subject: string, items: ActivityItem[]) {
  const labels = await labelsOf(app.db, reg, person.actor, items.flatMap((i) => i.subjects))
  const groups = new Map<string, { heading: string; url: string | null; items: ActivityItem[] }>()
  for (const item of items) {
    const first = item.subjects.map((s) => labels.get(`${s.kind}:${s.id}`)).find((l) => l !== undefined)
    const key = first?.url ?? ''
    if (!groups.has(key)) groups.set(key, { heading: first ? `${capitalise(reg.followables.get(first.kind)?.label ?? first.kind)}: ${first.title}` : 'Other things you follow', url: first?.url ?? null, items: [] })
    groups.get(key)!.items.push(item)
  }
  const base = app.config.baseUrl
  const text = [
    `Hello ${person.name},`,
    '',
    ...[...groups.values()].flatMap((g) => [g.heading.toUpperCase(), ...g.items.flatMap((i) => [`- ${i.title}`, ...(i.summary ? [`  ${i.summary}`] : []), `  ${base}${i.url}`]), '']),
    `Your timeline: ${base}/timeline`,
  ].join('\n')
  const html = [
    `<p>Hello ${escapeHtml(person.name)},</p>`,
    ...[...groups.values()].map(
      (g) =>
        `<h2 style="font-size: 19px; margin: 24px 0 8px;">${g.url ? `<a href="${escapeHtml(base + g.url)}" style="color: #0b0c0c;">${escapeHtml(g.heading)}</a>` : escapeHtml(g.heading)}</h2><ul style="padding-left: 20px;">${g.items
          .map((i) => `<li style="margin-bottom: 12px;"><a href="${escapeHtml(base + i.url)}" style="color: #1d70b8;">${escapeHtml(i.title)}</a>${i.summary ? `<br>${escapeHtml(i.summary)}` : ''}</li>`)
          .join('')}</ul>`,
    ),
    `<p><a href="${escapeHtml(base)}/timeline" style="color: #1d70b8;">Your timeline</a></p>`,
  ].join('\n')
  return composeListMail(app.config, list, { to: person.email, userId: person.id, subject, text, html })
}
