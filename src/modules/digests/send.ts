import type { FastifyInstance } from 'fastify'
import { now } from '../../core/db/ids.ts'
import { composeListMail, type MailList } from '../../core/mail/unsubscribe.ts'
import { mailRecipients } from '../accounts/accounts.ts'
import { digestEntries, type DigestEntry } from './digests.ts'
import { findDigestById, markDelivery, stillPending, unsubscribe } from './digests.queries.ts'

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

/**
 * Sends one batch of a digest. Each recipient in turn: the picks are read again *as that recipient* (never what
 * they may not see now), the mail is handed to the SMTP server, and the delivery row is marked at once (only
 * a pending row: a row marked sent is never sent again, so a re-run after a crash resumes where it stopped).
 * No transaction is held open across the SMTP conversation (on SQLite it would hold the one connection the
 * mailer needs too). The one window left is a crash between the server accepting a message and the mark
 * (microseconds): that recipient would get it twice; nothing is ever lost. A temporary SMTP failure throws,
 * and the job is retried from that recipient on. `between` runs after each mark (the crash test waits there).
 */
export async function sendBatch(app: FastifyInstance, digestId: string, userIds: string[], between?: (userId: string) => Promise<void>): Promise<void> {
  const digest = await findDigestById(app.db, digestId)
  if (!digest || !digest.published_at) return
  const pending = await stillPending(app.db, digestId, userIds)
  const recipients = [...(await mailRecipients(app.db, pending)).values()]
  const mailable = new Set(recipients.map((r) => r.id))
  const page = `${app.config.baseUrl}/digests/${digest.slug}`
  for (const r of recipients) {
    const entries = await digestEntries(app.db, r.actor, digest, app.config.baseUrl)
    const body = mailBody(digest.title, digest.intro, digest.intro_html, entries, page)
    const outcome = await app.mailer.deliver(composeListMail(app.config, digestList, { to: r.email, userId: r.id, subject: digest.title, ...body }))
    await markDelivery(app.db, digestId, r.id, outcome, now())
    if (between) await between(r.id)
  }
  // Unconfirmed, suspended or deleted accounts get nothing.
  for (const id of pending.filter((id) => !mailable.has(id))) await markDelivery(app.db, digestId, id, 'skipped', now())
}
