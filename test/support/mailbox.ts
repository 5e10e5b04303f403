/**
 * A real SMTP server on a free loopback port that keeps every message the app sends, decoded enough
 * for tests to read: the subject (RFC 2047 encoded words undone) and the text of every MIME part
 * (quoted-printable and base64 undone, plain text and HTML joined). Used by the module tests, the
 * access leak matrix and the browser tests.
 *
 * ```ts
 * const mailbox = await startMailbox()
 * const t = await buildTestApp(dialect, { config: { smtpUrl: mailbox.url } })
 * const mail = await mailbox.waitFor(user.email, /Reset your Openly password/)
 * await mailbox.close()
 * ```
 */
import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'

/** One e-mail the mailbox received. */
export interface ReceivedMail {
  /** The envelope sender ('' when none). */
  from: string
  /** The envelope recipients, lower-cased. */
  to: string[]
  /** The decoded Subject header. */
  subject: string
  /** The decoded text of every leaf part (plain text and HTML), joined by newlines. */
  text: string
  /** The message exactly as received (headers and encoded body). */
  raw: string
}

export interface Mailbox {
  port: number
  /** What to put in `config.smtpUrl`: plain SMTP, no STARTTLS (none is offered) and no auth. */
  url: string
  /** Every message received so far, in order of arrival. */
  messages: ReceivedMail[]
  /**
   * Waits for the first message to `to` (compared case-insensitively) whose subject matches
   * `subject`, if given — mail is sent after the response, so it may lag a little. Rejects after
   * `timeoutMs` (5 s by default) with the messages received so far in the error.
   */
  waitFor(to: string, subject?: RegExp, timeoutMs?: number): Promise<ReceivedMail>
  /** Waits for the first message for which `predicate` is true; rejects after `timeoutMs` (5 s by default). */
  waitFor(predicate: (mail: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>
  /** Stops the server. */
  close(): Promise<void>
}

/** Decodes quoted-printable: soft line breaks and =XX escapes (as UTF-8 bytes). */
export function decodeQuotedPrintable(s: string): string {
  const joined = s.replace(/=\r?\n/g, '')
  const bytes: number[] = []
  for (let i = 0; i < joined.length; i++) {
    const c = joined[i]!
    if (c === '=' && /^[0-9A-F]{2}$/i.test(joined.slice(i + 1, i + 3))) {
      bytes.push(Number.parseInt(joined.slice(i + 1, i + 3), 16))
      i += 2
    } else {
      bytes.push(...Buffer.from(c, 'utf8'))
    }
  }
  return Buffer.from(bytes).toString('utf8')
}

/** Splits a MIME entity into headers and body and decodes its leaf parts (enough for what nodemailer sends). */
function decodeMime(entity: string): string[] {
  const split = entity.search(/\r?\n\r?\n/)
  const head = split === -1 ? entity : entity.slice(0, split)
  const body = split === -1 ? '' : entity.slice(split).replace(/^\r?\n\r?\n/, '')
  const headers = head.replace(/\r?\n[ \t]+/g, ' ')
  const type = /^content-type:\s*([^\r\n]*)/im.exec(headers)?.[1] ?? 'text/plain'
  const boundary = /boundary="?([^";\r\n]+)"?/i.exec(type)?.[1]
  if (/^multipart\//i.test(type) && boundary) {
    const parts = body.split(`--${boundary}`).slice(1)
    return parts.filter((p) => !p.startsWith('--')).flatMap((p) => decodeMime(p.replace(/^\r?\n/, '')))
  }
  const encoding = (/^content-transfer-encoding:\s*([^\r\n]*)/im.exec(headers)?.[1] ?? '7bit').trim().toLowerCase()
  if (encoding === 'base64') return [Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')]
  if (encoding === 'quoted-printable') return [decodeQuotedPrintable(body)]
  return [body]
}

/** Undoes RFC 2047 encoded words, as nodemailer writes non-ASCII subjects. */
function decodeHeader(value: string): string {
  return value
    .replace(/=\?utf-8\?([bq])\?([^?]*)\?=/gi, (_m, enc: string, text: string) =>
      enc.toLowerCase() === 'b' ? Buffer.from(text, 'base64').toString('utf8') : decodeQuotedPrintable(text.replace(/_/g, ' ')),
    )
    .replace(/\?=\s+=\?/g, '')
}

/** Decodes a raw message as received over SMTP. */
function parse(raw: string, envelope: { from: string; to: string[] }): ReceivedMail {
  const headerEnd = raw.search(/\r?\n\r?\n/)
  const headers = (headerEnd === -1 ? raw : raw.slice(0, headerEnd)).replace(/\r?\n[ \t]+/g, ' ')
  return {
    from: envelope.from,
    to: envelope.to,
    subject: decodeHeader(/^subject:\s*([^\r\n]*)/im.exec(headers)?.[1] ?? '').trim(),
    text: decodeMime(raw).join('\n'),
    raw,
  }
}

/**
 * Starts an in-process SMTP server on a free port of 127.0.0.1 that keeps every message it receives;
 * `refuse` names recipients it answers with 550 (a bounce); `delayMs` makes it slow to accept each recipient.
 */
export async function startMailbox(options: { refuse?: (address: string) => boolean; delayMs?: number } = {}): Promise<Mailbox> {
  const messages: ReceivedMail[] = []
  const waiters = new Set<() => void>()
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    // A server that refuses a recipient answers 550, as a real one does for a mailbox that does not exist.
    onRcptTo(address, _session, callback) {
      if (options.refuse?.(address.address.toLowerCase())) return callback(Object.assign(new Error('5.1.1 Mailbox unavailable'), { responseCode: 550 }))
      // A slow server (delayMs): a sender killed meanwhile has not sent the message.
      if (options.delayMs) setTimeout(() => callback(), options.delayMs)
      else callback()
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', () => {
        messages.push(
          parse(Buffer.concat(chunks).toString('utf8'), {
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
          }),
        )
        for (const w of waiters) w()
        callback()
      })
    },
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = (server.server.address() as AddressInfo).port

  function waitFor(...args: [string, RegExp?, number?] | [(mail: ReceivedMail) => boolean, number?]): Promise<ReceivedMail> {
    let matches: (mail: ReceivedMail) => boolean
    let describe: string
    let timeoutMs: number
    if (typeof args[0] === 'function') {
      matches = args[0]
      describe = 'matching the predicate'
      timeoutMs = (args[1] as number | undefined) ?? 5000
    } else {
      const to = args[0].toLowerCase()
      const subject = args[1] as RegExp | undefined
      matches = (m) => m.to.includes(to) && (!subject || subject.test(m.subject))
      describe = `to ${args[0]}${subject ? ` with subject ${subject}` : ''}`
      timeoutMs = (args[2] as number | undefined) ?? 5000
    }
    const found = messages.find(matches)
    if (found) return Promise.resolve(found)
    return new Promise<ReceivedMail>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.delete(check)
        reject(new Error(`No mail ${describe} within ${timeoutMs} ms; received: ${JSON.stringify(messages.map((m) => ({ to: m.to, subject: m.subject })))}`))
      }, timeoutMs)
      const check = () => {
        const m = messages.find(matches)
        if (!m) return
        clearTimeout(timer)
        waiters.delete(check)
        resolve(m)
      }
      waiters.add(check)
    })
  }

  return {
    port,
    url: `smtp://127.0.0.1:${port}?ignoreTLS=true`,
    messages,
    waitFor: waitFor as Mailbox['waitFor'],
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
