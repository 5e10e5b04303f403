import { createHash } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { now } from '../../core/db/ids.ts'
import { composeListMail, type MailList } from '../../core/mail/unsubscribe.ts'
import { mailRecipients } from '../accounts/accounts.ts'
import { digestEntries, type DigestEntry } from './digests.ts'
import { claimDelivery, findDigestById, markDelivery, unsettled, unsubscribe } from './digests.queries.ts'

/** The digests list in the one-click unsubscribe registry (core/mail/unsubscribe.ts). */
export const digestList: MailList = {
  id: 'digests.editorial',
  label: 'the editors’ digests',
  settingsPath: '/digests',
  unsubscribe: (db, userId) => unsubscribe(db, userId),
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

function mailBody(title: string, introText: string, introHtml: string, entries: DigestEntry[], page: string): { text: string; html: string } {
  const text = [title, '', introText.trim(), '', ...entries.flatMap((e) => [`* ${e.title}`, `  ${e.summary}`, `  ${e.url}`, '']), `Read it on Openly: ${page}`].join('\n')
  const html = [
    `<h1 style="font-size: 24px;">${escapeHtml(title)}</h1>`,
    introHtml,
    ...entries.map((e) => `<h2 style="font-size: 19px; margin-bottom: 4px;"><a href="${escapeHtml(e.url)}" style="color: #1d70b8;">${escapeHtml(e.title)}</a></h2><p style="margin-top: 0;">${escapeHtml(e.summary)}</p>`),
    `<p><a href="${escapeHtml(page)}" style="color: #1d70b8;">Read it on Openly</a></p>`,
  ].join('\n')
  return { text, html }
}

/** What the crash test (and nothing else) waits on: after a claim commits, after the server accepted, after the mark. */
export interface SendHooks {
  claimed?(userId: string): Promise<void>
  accepted?(userId: string): Promise<void>
  marked?(userId: string): Promise<void>
}

/**
 * The one Message-ID of this digest's mail to this person, whichever attempt sends it: a re-send after an
 * interrupted send is the same message, which mail systems and clients collapse. Hashed: it names no internal id.
 */
export function digestMessageId(baseUrl: string, digestId: string, userId: string): string {
  const digest = createHash('sha256').update(`digests.editorial:${digestId}:${userId}`).digest('hex').slice(0, 32)
  return `<digest.${digest}@${new URL(baseUrl).hostname}>`
}

/**
 * Sends one batch of a digest (decision 0032). For each recipient not yet settled: the picks are read again *as
 * that recipient* (never what they may not see now); the delivery is **claimed** ('sending', one more attempt) in a
 * committed write; the mail, with its deterministic Message-ID, is handed to the SMTP server; the outcome is marked
 * at once. So after a crash anywhere:
 * - a row still 'pending' was never handed over, and is sent;
 * - a row 'sent' (or bounced, suppressed) is never sent again;
 * - a row left 'sending' is the only doubt: the process stopped between the claim and the mark, so its mail may or
 *   may not have been accepted. It is sent again, as the *same message* (same Message-ID): SMTP gives no way to ask a
 *   server whether it took a message, and sending nothing would lose mail. The doubtful window is the SMTP
 *   conversation of that one recipient plus the mark after the server's 250 — one message per crashed batch.
 * No transaction is held across SMTP (on SQLite it would hold the one connection the mailer needs to check
 * bounces). A temporary SMTP failure throws; the job is retried from that recipient on (still 'sending').
 */
export async function sendBatch(app: FastifyInstance, digestId: string, userIds: string[], hooks: SendHooks = {}): Promise<void> {
  const digest = await findDigestById(app.db, digestId)
  if (!digest || !digest.published_at) return
  const rows = await unsettled(app.db, digestId, userIds)
  const doubtful = rows.filter((r) => r.state === 'sending').length
  if (doubtful) app.log.warn({ digestId, doubtful }, 'digest batch resumed: mail claimed before a crash is sent again with its Message-ID')
  const pending = rows.map((r) => r.user_id)
  const recipients = [...(await mailRecipients(app.db, pending)).values()]
  const mailable = new Set(recipients.map((r) => r.id))
  const page = `${app.config.baseUrl}/digests/${digest.slug}`
  for (const r of recipients) {
    const entries = await digestEntries(app.db, r.actor, digest, app.config.baseUrl)
    const body = mailBody(digest.title, digest.intro, digest.intro_html, entries, page)
    const mail = composeListMail(app.config, digestList, { to: r.email, userId: r.id, subject: digest.title, ...body })
    mail.headers = { ...mail.headers, 'Message-ID': digestMessageId(app.config.baseUrl, digestId, r.id) }
    if (!(await claimDelivery(app.db, digestId, r.id, now()))) continue
    await hooks.claimed?.(r.id)
    const outcome = await app.mailer.deliver(mail)
    await hooks.accepted?.(r.id)
    await markDelivery(app.db, digestId, r.id, outcome, now())
    await hooks.marked?.(r.id)
  }
  // Unconfirmed, suspended or deleted accounts get nothing.
  for (const id of pending.filter((id) => !mailable.has(id))) await markDelivery(app.db, digestId, id, 'skipped', now())
}
