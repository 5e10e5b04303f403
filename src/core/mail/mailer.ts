import type { Transporter } from 'nodemailer'
import type { FastifyBaseLogger } from 'fastify'
import type { Config } from '../../config.ts'
import type { CoreDb } from '../core.tables.ts'
import { isBounced, recordBounce } from './bounces.ts'

export interface Mail {
  to: string
  subject: string
  text: string
  html?: string
  headers?: Record<string, string>
  /**
   * Set on mail a person subscribed to (notifications, digests: made by `composeListMail`, core/mail/unsubscribe.ts):
   * it is not sent to an address that bounced. Mail a person asked for (verification, password reset) is always tried.
   */
  list?: string
}

/** What became of one message. */
export type Delivery = 'sent' | 'bounced' | 'suppressed'

export interface Mailer {
  /** Sends in the background of a request: a failure is logged, never thrown (the action itself succeeded). */
  send(mail: Mail): Promise<void>
  /**
   * Sends now and says what happened, for jobs: 'bounced' when the server refused the address for good (SMTP 5xx,
   * recorded so list mail stops), 'suppressed' for list mail to an address that bounced before. Throws on a
   * temporary failure (server down, 4xx), so the job is retried.
   */
  deliver(mail: Mail): Promise<Delivery>
  close(): void
}

/**
 * Sends mail over SMTP (SMTP_URL, e.g. smtp://user:pass@host:587). With LOG_MAIL on (the default
 * when no SMTP server is configured) every message is also written to the log, so a developer can
 * follow verification and reset links without a mail server.
 */
export function createMailer(config: Pick<Config, 'smtpUrl' | 'mailFrom' | 'logMail'>, log: FastifyBaseLogger, db: CoreDb): Mailer {
  // nodemailer (5 MB of heap once loaded) is loaded with the first message, not at start: a process that serves pages
  // and sends no mail does not keep it.
  let transport: Promise<Transporter> | null = null
  const transportFor = (url: string) => (transport ??= import('nodemailer').then((m) => m.default.createTransport(url)))
  const mailer: Mailer = {
    async deliver(mail) {
      if (mail.list && (await isBounced(db, mail.to))) return 'suppressed'
      if (config.logMail) log.info({ mail: { to: mail.to, subject: mail.subject, text: mail.text } }, `mail to ${mail.to}: ${mail.subject}`)
      if (!config.smtpUrl) return 'sent'
      const { list: _list, ...message } = mail
      try {
        await (await transportFor(config.smtpUrl)).sendMail({ from: config.mailFrom, ...message })
        return 'sent'
      } catch (err) {
        const code = Number((err as { responseCode?: unknown }).responseCode)
        if (code >= 500 && code < 600) {
          await recordBounce(db, mail.to, code, (err as Error).message)
          log.warn({ to: mail.to, code }, 'mail bounced: list mail to this address stops')
          return 'bounced'
        }
        throw err
      }
    },
    async send(mail) {
      try {
        await mailer.deliver(mail)
      } catch (err) {
        // A mail server being down must not fail the user's request: the action itself succeeded.
        log.error({ err, to: mail.to, subject: mail.subject }, 'sending mail failed')
      }
    },
    close() {
      transport?.then((t) => t.close()).catch(() => {})
    },
  }
  return mailer
}
