import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Db } from '../../core/db/database.ts'
import { countHeld } from '../../core/access/held.ts'
import type { Actor } from '../../core/access/policy.ts'

/** Sends someone who is not signed in to sign in, and back here afterwards. */
export const signIn = (request: FastifyRequest, reply: FastifyReply) => reply.redirect(`/sign-in?next=${encodeURIComponent(request.url)}`, 303)

/** A form or query value as a string ('' when absent or not a string). */
export const str = (v: unknown) => (typeof v === 'string' ? v : '')

export type QueueSection = 'reports' | 'pending' | 'hidden' | 'suspended' | 'audit'

/** The moderation pages' navigation: open reports, what waits for approval (with its count), hidden content; admins' pages too. */
export async function queueNav(db: Db, actor: Actor, current: QueueSection) {
  const pending = await countHeld(db, actor, 'pending')
  const items: Array<{ href: string; text: string; section: QueueSection; count?: number }> = [
    { href: '/moderation', text: 'Open reports', section: 'reports' },
    { href: '/moderation/pending', text: 'Waiting for approval', section: 'pending', count: pending },
    { href: '/moderation/hidden', text: 'Hidden content', section: 'hidden' },
  ]
  if (actor.isAdmin) items.push({ href: '/admin/suspended', text: 'Suspended accounts', section: 'suspended' }, { href: '/admin/audit', text: 'Audit log', section: 'audit' })
  return items.map((i) => ({ ...i, current: i.section === current }))
}
