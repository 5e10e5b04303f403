import nodemailer from 'nodemailer'
import type { FastifyBaseLogger } from 'fastify'
import type { Config } from '../../config.ts'

export interface Mail {
  to: string
  subject: string
  text: string
  html?: string
  headers?: Record<string, string>
}

export interface Mailer {
  send(mail: Mail): Promise<void>
  close(): void
}

/**
 * Sends mail over SMTP (SMTP_URL, e.g. smtp://user:pass@host:587). With LOG_MAIL on (the default
 * when no SMTP server is configured) every message is also written to the log, so a developer can
 * follow verification and reset links without a mail server.
 */
export function createMailer(config: Pick<Config, 'smtpUrl' | 'mailFrom' | 'logMail'>, log: FastifyBaseLogger): Mailer {
  const transport = config.smtpUrl ? nodemailer.createTransport(config.smtpUrl) : null
  return {
    async send(mail) {
      if (config.logMail) log.info({ mail: { to: mail.to, subject: mail.subject, text: mail.text } }, `mail to ${mail.to}: ${mail.subject}`)
      if (!transport) return
      try {
        await transport.sendMail({ from: config.mailFrom, ...mail })
      } catch (err) {
        // A mail server being down must not fail the user's request: the action itself succeeded.
        log.error({ err, to: mail.to, subject: mail.subject }, 'sending mail failed')
      }
    },
    close() {
      transport?.close()
    },
  }
}
