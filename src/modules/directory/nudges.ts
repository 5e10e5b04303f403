import type { FastifyInstance } from 'fastify'
import { defineJob } from '../../core/jobs/jobs.ts'
import { composeListMail, type MailList } from '../../core/mail/unsubscribe.ts'
import { now } from '../../core/db/ids.ts'
import { mailRecipients } from '../accounts/accounts.ts'
import { claimStaleOrganisations, organisationForNudge } from '../organisations/organisations.ts'
import { claimStaleProjects, projectForNudge, type PhasePrompt } from '../projects/projects.ts'
import { optedOut, optOut } from './nudges.queries.ts'
import { LINK_DAYS, stillActiveToken, type StillActive } from './still-active.ts'
import { staleBefore } from './directory.ts'

/** Entries of each kind claimed per daily run: the rest wait for tomorrow, so a first run on an old directory is no flood. */
const PER_RUN = 200

/** The directory's "is this still live?" e-mails, which people can stop with one click (RFC 8058). */
export const nudgeList: MailList = {
  id: 'directory.nudges',
  label: 'reminders to confirm that your directory entries are still current',
  unsubscribe: (db, userId) => optOut(db, userId, now()),
}

type Kind = StillActive['kind']

/**
 * Once a day: claims the entries with no sign of life (edit, post, practical action or confirmation) for
 * DIRECTORY_STALE_DAYS whose managers were not asked within that period, and enqueues one e-mail per manager in
 * the same transaction (so an entry is claimed only if its e-mails will go). At most once per period per entry.
 */
export const planNudges = defineJob<{ at?: string }>({
  name: 'directory.plan-nudges',
  cron: '41 7 * * *',
  retry: { limit: 2, delaySeconds: 300, backoff: true },
  async run(payload, { app }) {
    await planNudgesAt(app, payload.at ? new Date(payload.at) : new Date())
  },
})

/** Sends one nudge: to one manager, about one entry, checked again as that reader when it is composed. */
export const sendNudge = defineJob<{ kind: Kind; id: string; userId: string }>({
  name: 'directory.send-nudge',
  retry: { limit: 5, delaySeconds: 60, backoff: true },
  async run(payload, { app }) {
    await sendNudgeMail(app, payload.kind, payload.id, payload.userId)
  },
})

/** Claims stale entries and enqueues their nudges; answers how many e-mails were enqueued. */
export async function planNudgesAt(app: FastifyInstance, at: Date): Promise<number> {
  const before = staleBefore(app.config.directoryStaleDays, at.getTime())
  const day = at.toISOString().slice(0, 10)
  return app.db.transaction().execute(async (trx) => {
    const entries: Array<{ kind: Kind; id: string; managerIds: string[] }> = [
      ...(await claimStaleOrganisations(trx, before, PER_RUN)).map((e) => ({ kind: 'organisation' as const, ...e })),
      ...(await claimStaleProjects(trx, before, PER_RUN)).map((e) => ({ kind: 'project' as const, ...e })),
    ]
    const stopped = await optedOut(trx, [...new Set(entries.flatMap((e) => e.managerIds))])
    let enqueued = 0
    for (const e of entries) {
      for (const userId of e.managerIds) {
        if (stopped.has(userId)) continue
        if (await app.jobs.enqueue(trx, sendNudge, { kind: e.kind, id: e.id, userId }, { key: `${e.kind}:${e.id}:${userId}:${day}` })) enqueued++
      }
    }
    return enqueued
  })
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

/** Composes and sends one nudge, unless the person stopped them, left the entry, or it is gone. */
export async function sendNudgeMail(app: FastifyInstance, kind: Kind, id: string, userId: string): Promise<'sent' | 'bounced' | 'suppressed' | 'skipped'> {
  const person = (await mailRecipients(app.db, [userId])).get(userId)
  if (!person || (await optedOut(app.db, [userId])).has(userId)) return 'skipped'
  const entry: { name: string; url: string; lastActive: string; phasePrompt?: PhasePrompt | null } | null = kind === 'organisation' ? await organisationForNudge(app.db, person.actor, id) : await projectForNudge(app.db, person.actor, id)
  if (!entry) return 'skipped'
  const base = app.config.baseUrl
  const link = `${base}/directory/still-active/${stillActiveToken(app.config.sessionSecret, { kind, id, userId, expires: Date.now() + LINK_DAYS * 86_400_000 })}`
  const page = `${base}${entry.url}`
  const since = entry.lastActive.slice(0, 10)
  const phase = entry.phasePrompt ?? null
  const prompt = phase ? `It has been in its ${phase.phase} phase since ${phase.since.slice(0, 10)}. If it has moved on, update its phase: ${page}/edit#phase` : ''
  const text = [
    `Hello ${person.name},`,
    '',
    `Is “${entry.name}” still ${kind === 'project' ? 'active' : 'current'}? Its entry in the Openly directory has not changed since ${since}, so it is shown as “may be out of date”.`,
    '',
    `If it is, confirm it with one click (no need to sign in): ${link}`,
    ...(prompt ? ['', prompt] : []),
    '',
    `If something changed, update it: ${page}`,
  ].join('\n')
  const html = [
    `<p>Hello ${escapeHtml(person.name)},</p>`,
    `<p>Is <a href="${escapeHtml(page)}">${escapeHtml(entry.name)}</a> still ${kind === 'project' ? 'active' : 'current'}? Its entry in the Openly directory has not changed since ${escapeHtml(since)}, so it is shown as “may be out of date”.</p>`,
    `<p><a href="${escapeHtml(link)}" style="display: inline-block; padding: 8px 12px; background: #00703c; color: #ffffff; text-decoration: none;">Yes, it is still ${kind === 'project' ? 'active' : 'current'}</a> (no need to sign in)</p>`,
    ...(phase ? [`<p>It has been in its ${escapeHtml(phase.phase)} phase since ${escapeHtml(phase.since.slice(0, 10))}. If it has moved on, <a href="${escapeHtml(`${page}/edit#phase`)}">update its phase</a>.</p>`] : []),
    `<p>If something changed, <a href="${escapeHtml(page)}">update it</a>.</p>`,
  ].join('\n')
  const mail = composeListMail(app.config, nudgeList, { to: person.email, userId, subject: `Is ${entry.name} still ${kind === 'project' ? 'active' : 'current'}?`, text, html })
  return app.mailer.deliver(mail)
}
