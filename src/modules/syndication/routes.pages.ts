import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { signedIn, type Actor } from '../../core/access/policy.ts'
import { forbidden, type FieldErrors } from '../../core/errors.ts'
import { submitForm } from '../../core/http/forms.ts'
import { formatDate } from '../../core/time.ts'
import { done, id, params, query } from '../../core/http/schemas.ts'
import { submissionTokenIn, submitOnce } from '../../core/http/submissions.ts'
import { pollDueFeeds, pollFeed } from './poll.ts'
import { entriesOf, feedProjectChoices, importChosen, managedFeed, myFeeds, registerFeed, removeFeed, setFeedPaused, skipChosen } from './syndication.ts'
import { feedSchema } from './syndication.schemas.ts'

type Params = { id: string }

const DONE: Record<string, string> = {
  registered: 'Feed registered. We will read it within a few minutes; then pick which of its posts to import.',
  imported: 'The chosen posts have been imported',
  skipped: 'The chosen posts will not be imported',
  paused: 'Feed paused: we will not read it until you resume it',
  resumed: 'Feed resumed: we will read it again shortly',
  checked: 'Feed checked',
  removed: 'Feed removed. Posts already imported stay on Openly.',
  polled: 'Due feeds polled',
}
const STATE_LABEL: Record<string, string> = { new: '', queued: 'Being imported', imported: 'Imported', skipped: 'Skipped' }
const crumbs = [{ text: 'Home', href: '/' }, { text: 'Your blog feeds', href: '/syndication' }]
const signIn = (reply: FastifyReply, path: string) => reply.redirect(`/sign-in?next=${encodeURIComponent(path)}`, 303)
/** Checkbox values: one string or many. */
const chosen = (value: unknown): string[] => (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string' && v.length <= 64)

/** Feeds in: registering a blog's feed, its page (status, entries to pick), pausing, removing; and the admin's poll button. */
export const syndicationPages: FastifyPluginAsync = async (app) => {
  const db = app.db
  const settings = { allowPrivate: app.config.syndicationAllowPrivate }

  async function renderIndex(request: FastifyRequest, reply: FastifyReply, values: Record<string, string>, errors?: FieldErrors) {
    const actor = request.actor as Actor & { userId: string }
    const [feeds, choices] = await Promise.all([myFeeds(db, actor), feedProjectChoices(db, actor)])
    return reply.code(errors ? 422 : 200).render('syndication/index.njk', {
      title: 'Your blog feeds',
      breadcrumbs: crumbs.slice(0, 1),
      feeds,
      values,
      errors,
      projectItems: [{ value: '', text: 'Myself' }, ...choices.map((c) => ({ ...c, selected: c.value === values.project }))],
      flash: (request.query as { done?: string }).done ? DONE[(request.query as { done: string }).done] : undefined,
      noindex: true,
    })
  }

  app.get('/syndication', { config: { serves: 'form' }, schema: { querystring: query({ done }) } }, async (request, reply) => {
    if (!request.user) return signIn(reply, '/syndication')
    return renderIndex(request, reply, { auto_import: 'true' })
  })

  app.post('/syndication', { config: { invalidates: [] } }, async (request, reply) => {
    if (!signedIn(request.actor)) return signIn(reply, '/syndication')
    const actor = request.actor
    return submitForm(request.body, feedSchema, {
      again: (values, errors) => renderIndex(request, reply, values, errors),
      save: async (value) => {
        const { url } = await submitOnce(db, submissionTokenIn(request.body), actor.userId, async (trx) => `/syndication/${(await registerFeed(trx, actor, value, settings.allowPrivate)).id}?done=registered`)
        return reply.redirect(url, 303)
      },
    })
  })

  // The owner's page for managing the feed (its forms pick entries): signed-out readers are asked to sign in.
  app.get('/syndication/:id', { config: { serves: 'form', shows: 'syndicated_feed' }, schema: { params: params({ id }), querystring: query({ done }) } }, async (request, reply) => {
    const { id: feedId } = request.params as Params
    if (!request.user) return signIn(reply, `/syndication/${feedId}`)
    const feed = await managedFeed(db, request.actor, feedId)
    const entries = await entriesOf(db, feed)
    const q = request.query as { done?: string }
    return reply.render('syndication/show.njk', {
      title: feed.title || feed.url,
      breadcrumbs: crumbs,
      feed,
      entries,
      entryItems: entries.map((e) => ({
        value: e.id,
        text: e.title || e.link,
        hint: { text: [formatDate(e.published_at, request.user?.timeZone), STATE_LABEL[e.state]].filter(Boolean).join(' · ') },
        disabled: e.state === 'imported',
      })),
      waiting: entries.filter((e) => e.state === 'new').length,
      flash: q.done ? DONE[q.done] : undefined,
      noindex: true,
    })
  })

  app.post('/syndication/:id/entries', { schema: { params: params({ id }) } }, async (request, reply) => {
    const { id: feedId } = request.params as Params
    if (!signedIn(request.actor)) return signIn(reply, `/syndication/${feedId}`)
    const feed = await managedFeed(db, request.actor, feedId)
    const body = (request.body ?? {}) as Record<string, unknown>
    const ids = chosen(body.entries)
    if (body.action === 'skip') {
      await skipChosen(db, feed, ids)
      return reply.redirect(`/syndication/${feed.id}?done=skipped`, 303)
    }
    // Each entry is imported in its own transaction (poll.ts): a second click finds them imported.
    await importChosen(db, feed, ids)
    return reply.redirect(`/syndication/${feed.id}?done=imported`, 303)
  })

  for (const [action, paused] of [['pause', true], ['resume', false]] as const) {
    app.post(`/syndication/:id/${action}`, { config: { invalidates: [] }, schema: { params: params({ id }) } }, async (request, reply) => {
      const { id: feedId } = request.params as Params
      if (!signedIn(request.actor)) return signIn(reply, `/syndication/${feedId}`)
      const feed = await managedFeed(db, request.actor, feedId)
      await setFeedPaused(db, feed, paused)
      return reply.redirect(`/syndication/${feed.id}?done=${paused ? 'paused' : 'resumed'}`, 303)
    })
  }

  app.post('/syndication/:id/check', { schema: { params: params({ id }) } }, async (request, reply) => {
    const { id: feedId } = request.params as Params
    if (!signedIn(request.actor)) return signIn(reply, `/syndication/${feedId}`)
    const feed = await managedFeed(db, request.actor, feedId)
    await pollFeed(db, settings, feed.id)
    return reply.redirect(`/syndication/${feed.id}?done=checked`, 303)
  })

  app.post('/syndication/:id/delete', { config: { invalidates: [] }, schema: { params: params({ id }) } }, async (request, reply) => {
    const { id: feedId } = request.params as Params
    if (!signedIn(request.actor)) return signIn(reply, `/syndication/${feedId}`)
    const feed = await managedFeed(db, request.actor, feedId)
    await db.transaction().execute((trx) => removeFeed(trx, feed))
    return reply.redirect('/syndication?done=removed', 303)
  })

  // Until the background-jobs core schedules it, an admin polls the due feeds with a button on /admin.
  app.post('/admin/syndication/poll', async (request, reply) => {
    if (!request.actor.isAdmin) throw forbidden()
    await pollDueFeeds(db, settings)
    return reply.redirect('/admin', 303)
  })
}
