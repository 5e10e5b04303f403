import { createHmac, timingSafeEqual } from 'node:crypto'
import type { Config } from '../../config.ts'
import type { Db } from '../db/database.ts'
import type { Mail } from './mailer.ts'

/**
 * A kind of mail people subscribe to (notifications, digests), declared by the module that sends it in its
 * manifest's `mailLists`. Every message of the list carries a one-click unsubscribe for it (RFC 8058).
 */
export interface MailList {
  /** `<module>.<list>`, e.g. `follows.digest`. */
  id: string
  /** What the person stops getting, to finish "You get this e-mail because you asked for …": "digests of what you follow". */
  label: string
  /** Turns the list off for the person, in the module's own preferences (in the caller's transaction). Idempotent. */
  unsubscribe(db: Db, userId: string): Promise<void>
  /** Where the person chooses what they get, e.g. `/following/settings`. */
  settingsPath?: string
}

const MAC_BYTES = 16

function mac(secret: string, payload: string): Buffer {
  // A key of its own, derived from the session secret: an unsubscribe token signs nothing else.
  const key = createHmac('sha256', secret).update('openly-unsubscribe').digest()
  return createHmac('sha256', key).update(payload).digest().subarray(0, MAC_BYTES)
}

/** A token naming a person and a list, signed: it unsubscribes without signing in, and cannot be forged or altered. */
export function unsubscribeToken(secret: string, userId: string, listId: string): string {
  const payload = Buffer.from(JSON.stringify([userId, listId])).toString('base64url')
  return `${payload}.${mac(secret, payload).toString('base64url')}`
}

/** The person and list a token names, or null when it is malformed or its signature does not match. */
export function readUnsubscribeToken(secret: string, token: string): { userId: string; listId: string } | null {
  const [payload, signature, extra] = token.split('.')
  if (!payload || !signature || extra !== undefined || token.length > 400) return null
  const given = Buffer.from(signature, 'base64url')
  const expected = mac(secret, payload)
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null
  try {
    const [userId, listId] = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as unknown[]
    return typeof userId === 'string' && typeof listId === 'string' ? { userId, listId } : null
  } catch {
    return null
  }
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

/**
 * One message of a list to one person: plain text and HTML parts, `List-Unsubscribe` with
 * `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058: the mail client unsubscribes with one POST)
 * and the same link at the foot of both parts. `html` is the body's HTML (already escaped); it is wrapped in a
 * plain, readable document. The mailer does not send it to an address that bounced.
 */
export function composeListMail(config: Pick<Config, 'baseUrl' | 'sessionSecret'>, list: Pick<MailList, 'id' | 'label' | 'settingsPath'>, message: { to: string; userId: string; subject: string; text: string; html: string }): Mail {
  const url = `${config.baseUrl}/unsubscribe/${unsubscribeToken(config.sessionSecret, message.userId, list.id)}`
  const settings = list.settingsPath ? `${config.baseUrl}${list.settingsPath}` : null
  const because = `You get this e-mail because you asked Openly for ${list.label}.`
  const text = [message.text.trimEnd(), '', '--', because, `Unsubscribe with one click: ${url}`, ...(settings ? [`Choose what you get: ${settings}`] : [])].join('\n')
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(message.subject)}</title></head>
<body style="font-family: system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif; font-size: 16px; line-height: 1.5; color: #0b0c0c; max-width: 40em; margin: 0 auto; padding: 16px;">
${message.html}
<hr style="border: 0; border-top: 1px solid #b1b4b6; margin: 32px 0 16px;">
<p style="font-size: 14px; color: #505a5f;">${escapeHtml(because)}<br><a href="${escapeHtml(url)}" style="color: #1d70b8;">Unsubscribe with one click</a>${settings ? ` · <a href="${escapeHtml(settings)}" style="color: #1d70b8;">Choose what you get</a>` : ''}</p>
</body></html>
`
  return {
    to: message.to,
    subject: message.subject,
    text,
    html,
    list: list.id,
    headers: {
      'List-Unsubscribe': `<${url}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'List-Id': `<${list.id}.${new URL(config.baseUrl).hostname}>`,
    },
  }
}
