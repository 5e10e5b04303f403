import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { cursor, done, query } from '../../core/http/schemas.ts'
import { signedIn } from '../../core/access/policy.ts'
import { AppError } from '../../core/errors.ts'
import { decodeCursor } from '../../core/http/pagination.ts'
import { follow, myFollows, mySettings, registriesOf, saveSettings, timeline, unfollow, unfollowUnseen } from './follows.ts'
import { startFanOut } from './follows.fanout.ts'
import { DELIVERIES, type Delivery } from './follows.tables.ts'

const PAGE = 20
export const DELIVERY_LABELS: Record<Delivery, string> = {
  app: 'On the site only (your timeline and notifications)',
  immediate: 'E-mail me as it happens (and notify me on the site)',
  daily: 'Daily digest e-mail, in the morning',
  weekly: 'Weekly digest e-mail, on Monday morning',
  off: 'Off',
}
const FLASHES: Record<string, string> = { settings: 'Your choices are saved', unfollowed: 'You no longer follow it' }

/** A local path to go back to after following from a page. */
const safeNext = (next: unknown) => (typeof next === 'string' && next.length <= 500 && /^\/(?![/\\])[^\s\\]*$/.test(next) ? next : '/following')
const str = (v: unknown) => (typeof v === 'string' ? v : '')

/** Following and unfollowing, the list of what one follows with how to hear of it, and the home timeline. */
export const followsPages: FastifyPluginAsync = async (plain) => {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>()
  const reg = registriesOf(app.modules)
  // The fan-out of followed activity runs every few seconds from the start, not from the first cron minute.
  app.addHook('onReady', async () => {
    await startFanOut(app).catch((err: unknown) => app.log.warn({ err }, 'could not start the fan-out of followed activity'))
  })
  const toSignIn = (request: FastifyRequest, reply: FastifyReply) => reply.redirect(`/sign-in?next=${encodeURIComponent(request.url)}`, 303)

  // What the reader follows and their choices are read as their facts (myFollows, mySettings), never `actor.userId`:
  // the rendered page is kept and served again to whoever follows and chose the same (in practice, them) until one
  // of these changes, from this app or not, their header and token put in (decisions 0042, 0045).
  const renderFollowing = async (request: FastifyRequest, reply: FastifyReply, extra: Record<string, unknown> = {}) => {
    const actor = request.actor
    const [{ groups, unseen }, settings] = await Promise.all([myFollows(app.db, reg, actor), mySettings(app.db, reg, actor)])
    return reply.render('follows/following.njk', {
      title: 'Following',
      groups,
      unseen,
      settings: settings.map((s) => ({ ...s, items: DELIVERIES.map((d) => ({ value: d, text: DELIVERY_LABELS[d], checked: d === ((extra.values as Record<string, string> | undefined)?.[s.type] ?? s.delivery) })) })),
      noindex: true,
      ...extra,
    })
  }

  app.get('/following', { config: { serves: 'page', signIn: true, cache: true, cacheQuery: ['done'] }, schema: { querystring: query({ done }) } }, async (request, reply) => {
    return renderFollowing(request, reply, { flash: request.query.done ? FLASHES[request.query.done] : undefined })
  })

  // Follow or unfollow: from the button on a page (back there) or from the list (back to it).
  app.post('/following', { config: { invalidates: [] } }, async (request, reply) => {
    const actor = request.actor
    if (!signedIn(actor)) return reply.redirect('/sign-in?next=%2Ffollowing', 303)
    const body = (request.body ?? {}) as Record<string, unknown>
    if (str(body.action) === 'unfollow-unseen') {
      await app.db.transaction().execute((trx) => unfollowUnseen(trx, reg, actor))
      return reply.redirect('/following?done=unfollowed', 303)
    }
    const subject = { kind: str(body.kind), id: str(body.id) }
    if (!reg.followables.has(subject.kind) || !subject.id || subject.id.length > 100) throw new AppError('invalid', 400, 'That cannot be followed')
    const action = str(body.action)
    if (action === 'follow') await app.db.transaction().execute((trx) => follow(trx, reg, actor, subject))
    else if (action === 'unfollow') await app.db.transaction().execute((trx) => unfollow(trx, actor, subject))
    else throw new AppError('invalid', 400, 'Choose to follow or to unfollow')
    const next = safeNext(body.next)
    return reply.redirect(next === '/following' && action === 'unfollow' ? '/following?done=unfollowed' : next, 303)
  })

  app.post('/following/settings', { config: { invalidates: [] } }, async (request, reply) => {
    const actor = request.actor
    if (!signedIn(actor)) return reply.redirect('/sign-in?next=%2Ffollowing', 303)
    const body = (request.body ?? {}) as Record<string, unknown>
    const values: Record<string, Delivery> = {}
    const errors: Record<string, string> = {}
    // A kind the form did not carry (a page opened before a module added it) keeps its choice.
    const sent = [...reg.sources.keys()].filter((type) => body[type] !== undefined)
    for (const type of sent) {
      const v = str(body[type])
      if ((DELIVERIES as string[]).includes(v)) values[type] = v as Delivery
      else errors[type] = `Choose how to hear of ${reg.sources.get(type)!.label.toLowerCase()}`
    }
    if (Object.keys(errors).length) return renderFollowing(request, reply.code(422), { errors, values: Object.fromEntries(sent.map((t) => [t, str(body[t])])) })
    await app.db.transaction().execute((trx) => saveSettings(trx, reg, actor.userId, values))
    return reply.redirect('/following?done=settings', 303)
  })

  app.get('/timeline', { config: { serves: 'page' }, schema: { querystring: query({ after: cursor }) } }, async (request, reply) => {
    const actor = request.actor
    if (!signedIn(actor)) return toSignIn(request, reply)
    const page = await timeline(app.db, reg, actor, decodeCursor(request.query.after), PAGE)
    return reply.render('follows/timeline.njk', {
      title: 'Your timeline',
      items: page.items.map((i) => ({ ...i, typeLabel: reg.sources.get(i.type)?.label ?? '' })),
      next: page.next ? `/timeline?after=${encodeURIComponent(page.next)}` : null,
      isLaterPage: request.query.after !== undefined,
      noindex: true,
    })
  })
}
