import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { readerIs } from '../../../core/access/reader-facts.ts'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { cursor, done, id, params, query, slug, text } from '../../../core/http/schemas.ts'
import { userOf } from '../../../core/http/input.ts'
import { signedIn } from '../../../core/access/policy.ts'
import { can } from '../../../core/access/can.ts'
import type { Db } from '../../../core/db/database.ts'
import { newId } from '../../../core/db/ids.ts'
import { AppError, forbidden, notFound, type FieldErrors } from '../../../core/errors.ts'
import { parseInput } from '../../../core/http/forms.ts'
import { replyFacts, threadFacts } from '../communities.policy.ts'
import { loadCommunity, type CommunityAccess } from '../communities.ts'
import { REPLIES_PER_PAGE, canSeeThread, createReply, createThread, editReply, editThread, replyPath, setThreadFlag, threadPath } from '../discussions.ts'
import { findReply, findThread, listReplies, listRevisions, listThreads, replyBySubmission, repliesByIds, threadBySubmission, type Reply, type ReplyWindow, type Thread } from '../discussions.queries.ts'
import { authorsByIds } from '../people.ts'
import { replyEditSchema, replySchema, threadEditSchema, threadSchema } from '../communities.schemas.ts'
import { DONE, communityCrumbs, fieldErrors, fieldsOf, signIn, type Params, type Query } from './page-helpers.ts'

/** Parses ?after= / ?before= / ?page=last into a reply window. */
function replyWindow(query: Query): ReplyWindow {
  if (query.page === 'last') return { last: true }
  const before = Number(query.before)
  if (Number.isInteger(before) && before > 0) return { before }
  const after = Number(query.after)
  return { after: Number.isInteger(after) && after > 0 ? after : 0 }
}

/** A community's discussions: the thread list, starting a thread, a thread page and its replies, pin and lock, editing and history. */
export const discussionPages: FastifyPluginAsync = async (plain) => {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>()
  const people = async (ids: string[]) => authorsByIds(app.db, ids)

  // ------------------------------------------------------------ threads

  app.get('/communities/:slug/threads', { config: { serves: 'page', cache: true, cacheQuery: ['cursor'], shows: 'community' } }, async (request, reply) => {
    const query = request.query as Query
    const access = await loadCommunity(app.db, request.actor, (request.params as Params).slug)
    const c = access.community
    const page = await listThreads(app.db, request.actor, c.id, { cursor: query.cursor, limit: 25 })
    const authors = await people(page.items.map((t) => t.authorId))
    return reply.render('communities/threads.njk', {
      title: `Discussions in ${c.name}`,
      breadcrumbs: communityCrumbs(c),
      c,
      access,
      threads: page.items.map((t) => ({ ...t, author: authors.get(t.authorId) })),
      next: page.next ? `/communities/${c.slug}/threads?cursor=${page.next}` : null,
      isLaterPage: Boolean(query.cursor),
      noindex: c.visibility !== 'public' || Boolean(query.cursor),
    })
  })

  const renderNewThread = (reply: FastifyReply, access: CommunityAccess, values: Record<string, unknown>, errors?: FieldErrors) =>
    reply.code(errors ? 422 : 200).render('communities/thread-form.njk', {
      title: `Start a discussion in ${access.community.name}`,
      heading: 'Start a discussion',
      caption: access.community.name,
      breadcrumbs: communityCrumbs(access.community),
      values: { submission_id: newId(), ...values },
      errors,
      submitText: 'Post',
      noindex: true,
    })

  app.get('/communities/:slug/threads/new', { config: { serves: 'form', shows: 'community' } }, async (request, reply) => {
    if (!request.user) return signIn(request, reply)
    const access = await loadCommunity(app.db, request.actor, (request.params as Params).slug)
    if (!access.canParticipate) return reply.redirect(`/communities/${access.community.slug}`, 303)
    return renderNewThread(reply, access, {})
  })

  app.post('/communities/:slug/threads/new', async (request, reply) => {
    const { slug } = request.params as Params
    if (!signedIn(request.actor)) return signIn(request, reply, `/communities/${slug}/threads/new`)
    const access = await loadCommunity(app.db, request.actor, slug)
    const parsed = parseInput(threadSchema, request.body)
    if (!parsed.ok) return renderNewThread(reply, access, parsed.input, parsed.errors)
    let id: string
    try {
      id = (await app.db.transaction().execute(async (trx) => createThread(trx, request.actor, await loadCommunity(trx, request.actor, slug), parsed.value))).id
    } catch (err) {
      const errors = fieldErrors(err)
      if (errors) return renderNewThread(reply, access, parsed.value, errors)
      // Two identical submissions at the same instant: the unique form key let one through; go to it.
      const existing = parsed.value.submission_id ? await threadBySubmission(app.db, parsed.value.submission_id) : null
      if (existing) return reply.redirect(threadPath(slug, existing.id), 303)
      throw err
    }
    return reply.redirect(threadPath(slug, id), 303)
  })

  /** Loads a thread of this community that the actor may see, or 404. */
  const loadThread = async (request: FastifyRequest, access: CommunityAccess, id: string, db: Db = app.db): Promise<Thread> => {
    const thread = await findThread(db, id)
    if (!thread || thread.spaceId !== access.community.id) throw notFound()
    if (thread.hiddenAt && !(await canSeeThread(db, request.actor, thread))) throw notFound()
    return thread
  }

  const renderThread = async (request: FastifyRequest, reply: FastifyReply, access: CommunityAccess, thread: Thread, form: { values?: Record<string, unknown>; errors?: FieldErrors; status?: number } = {}) => {
    const c = access.community
    const query = request.query as Query
    const window = form.errors ? ({ last: true } as const) : replyWindow(query)
    const page = await listReplies(app.db, request.actor, thread.id, window, REPLIES_PER_PAGE)
    const quoted = await repliesByIds(app.db, page.items.flatMap((r) => (r.quoteReplyId ? [r.quoteReplyId] : [])))
    const authors = await people([thread.authorId, ...page.items.map((r) => r.authorId), ...[...quoted.values()].map((q) => q.authorId)])
    let values = form.values
    if (!values) {
      values = { submission_id: newId() }
      // "Quote": pre-fill the reply with the quoted reply as a Markdown block quote.
      if (query.quote && access.canParticipate) {
        const q = await findReply(app.db, query.quote)
        if (q && q.threadId === thread.id && !q.hiddenAt) {
          const who = authors.get(q.authorId) ?? (await people([q.authorId])).get(q.authorId)
          values = { ...values, quote_reply_id: q.id, body: `> **${who?.name ?? 'Someone'}** wrote:\n${q.body.split('\n').map((l) => `> ${l}`).join('\n')}\n\n` }
        }
      }
    }
    const first = page.items[0]?.position
    const last = page.items[page.items.length - 1]?.position
    const base = threadPath(c.slug, thread.id)
    return reply.code(form.status ?? (form.errors ? 422 : 200)).render('communities/thread.njk', {
      title: `${thread.title} – ${c.name}`,
      breadcrumbs: communityCrumbs(c),
      canonicalUrl: `${app.config.baseUrl}${base}`,
      noindex: c.visibility !== 'public' || Boolean(thread.hiddenAt),
      c,
      access,
      // "Edit" on one's own: readerIs, so a page shared between readers (decision 0028) is not served to its authors.
      thread: { ...thread, author: authors.get(thread.authorId), mine: readerIs(request.actor, thread.authorId) },
      replies: page.items.map((r) => ({ ...r, mine: readerIs(request.actor, r.authorId), author: authors.get(r.authorId), quoted: r.quoteReplyId ? quoted.get(r.quoteReplyId) : undefined, quotedAuthor: r.quoteReplyId ? authors.get(quoted.get(r.quoteReplyId)?.authorId ?? '') : undefined })),
      pagination: {
        previous: page.hasOlder && first ? { href: `${base}?before=${first}` } : null,
        next: page.hasNewer && last ? { href: `${base}?after=${last}` } : null,
        firstHref: page.hasOlder ? base : null,
        lastHref: page.hasNewer ? `${base}?page=last` : null,
      },
      values,
      errors: form.errors,
      flash: query.done ? DONE[query.done] : undefined,
    })
  }

  app.get('/communities/:slug/threads/:id', { config: { serves: 'page', cache: true, cacheQuery: ['page', 'before', 'after', 'quote', 'done'], shows: 'thread' } }, async (request, reply) => {
    const { slug, id } = request.params as Params
    const access = await loadCommunity(app.db, request.actor, slug)
    const thread = await loadThread(request, access, id)
    return renderThread(request, reply, access, thread)
  })

  app.post('/communities/:slug/threads/:id', async (request, reply) => {
    const { slug, id } = request.params as Params
    if (!signedIn(request.actor)) return signIn(request, reply, threadPath(slug, id))
    const access = await loadCommunity(app.db, request.actor, slug)
    const thread = await loadThread(request, access, id)
    const parsed = parseInput(replySchema, request.body)
    if (!parsed.ok) return renderThread(request, reply, access, thread, { values: parsed.input, errors: parsed.errors })
    let result: { id: string }
    try {
      result = await app.db.transaction().execute(async (trx) => {
        const fresh = await findThread(trx, thread.id)
        return createReply(trx, request.actor, await loadCommunity(trx, request.actor, slug), fresh!, parsed.value)
      })
    } catch (err) {
      const errors = fieldErrors(err)
      if (errors) return renderThread(request, reply, access, thread, { values: parsed.value, errors, status: err instanceof AppError && err.status === 409 ? 409 : 422 })
      const existing = parsed.value.submission_id ? await replyBySubmission(app.db, parsed.value.submission_id) : null
      if (existing) return reply.redirect(replyPath(slug, thread.id, existing.id), 303)
      throw err
    }
    return reply.redirect(replyPath(slug, thread.id, result.id), 303)
  })

  /** A reply's permanent link: redirects to the page of the thread that holds it. */
  app.get('/communities/:slug/threads/:id/replies/:replyId', { config: { serves: 'redirect', shows: 'reply' } }, async (request, reply) => {
    const { slug, id, replyId } = request.params as Params
    const access = await loadCommunity(app.db, request.actor, slug)
    const thread = await loadThread(request, access, id)
    const r = await findReply(app.db, replyId)
    // A hidden reply's link must not answer differently from a missing one.
    if (!r || r.threadId !== thread.id || !(await can(app.db, request.actor, 'view', 'reply', replyFacts(r, thread)))) throw notFound()
    const after = Math.floor((r.position - 1) / REPLIES_PER_PAGE) * REPLIES_PER_PAGE
    return reply.redirect(`${threadPath(slug, thread.id)}${after > 0 ? `?after=${after}` : ''}#reply-${r.id}`, 303)
  })

  app.post('/communities/:slug/threads/:id/moderate', async (request, reply) => {
    const { slug, id } = request.params as Params
    if (!signedIn(request.actor)) return signIn(request, reply, threadPath(slug, id))
    const action = String(fieldsOf(request.body).action ?? '')
    const flags: Record<string, ['pinned' | 'locked', boolean]> = { pin: ['pinned', true], unpin: ['pinned', false], lock: ['locked', true], unlock: ['locked', false] }
    const flag = flags[action]
    if (!flag) throw new AppError('invalid', 400, 'Choose pin, unpin, lock or unlock')
    await app.db.transaction().execute(async (trx) => {
      const access = await loadCommunity(trx, request.actor, slug)
      const thread = await loadThread(request, access, id, trx)
      await setThreadFlag(trx, request.actor, access, thread, flag[0], flag[1])
    })
    return reply.redirect(`${threadPath(slug, id)}?done=moderated`, 303)
  })

  // ------------------------------------------------------------ editing and history

  const renderEditThread = (reply: FastifyReply, access: CommunityAccess, thread: Thread, values: Record<string, unknown>, errors?: FieldErrors) =>
    reply.code(errors ? 422 : 200).render('communities/thread-form.njk', {
      title: `Edit “${thread.title}”`,
      heading: 'Edit discussion',
      caption: access.community.name,
      breadcrumbs: [...communityCrumbs(access.community), { text: thread.title, href: threadPath(access.community.slug, thread.id) }],
      values,
      errors,
      editing: true,
      submitText: 'Save changes',
      noindex: true,
    })

  const ownThread = async (request: FastifyRequest) => {
    const { slug, id } = request.params as Params
    const access = await loadCommunity(app.db, request.actor, slug)
    const thread = await loadThread(request, access, id)
    if (!(await can(app.db, request.actor, 'edit', 'thread', threadFacts(thread)))) throw forbidden('You can only edit your own messages')
    return { access, thread }
  }

  app.get('/communities/:slug/threads/:id/edit', { config: { serves: 'form', shows: 'thread' } }, async (request, reply) => {
    if (!request.user) return signIn(request, reply)
    const { access, thread } = await ownThread(request)
    return renderEditThread(reply, access, thread, { title: thread.title, body: thread.body })
  })

  app.post('/communities/:slug/threads/:id/edit', async (request, reply) => {
    if (!signedIn(request.actor)) return signIn(request, reply)
    const { access, thread } = await ownThread(request)
    const parsed = parseInput(threadEditSchema, request.body)
    if (!parsed.ok) return renderEditThread(reply, access, thread, parsed.input, parsed.errors)
    try {
      await app.db.transaction().execute((trx) => editThread(trx, request.actor, access, thread, parsed.value))
    } catch (err) {
      const errors = fieldErrors(err)
      if (errors) return renderEditThread(reply, access, thread, parsed.value, errors)
      throw err
    }
    return reply.redirect(`${threadPath(access.community.slug, thread.id)}?done=edited`, 303)
  })

  const ownReply = async (request: FastifyRequest) => {
    const { slug, id, replyId } = request.params as Params
    const access = await loadCommunity(app.db, request.actor, slug)
    const thread = await loadThread(request, access, id)
    const r = await findReply(app.db, replyId)
    if (!r || r.threadId !== thread.id || !(await can(app.db, request.actor, 'view', 'reply', replyFacts(r, thread)))) throw notFound()
    if (!(await can(app.db, request.actor, 'edit', 'reply', replyFacts(r, thread)))) throw forbidden('You can only edit your own messages')
    return { access, thread, reply: r }
  }

  const renderEditReply = (reply: FastifyReply, access: CommunityAccess, thread: Thread, r: Reply, values: Record<string, unknown>, errors?: FieldErrors) =>
    reply.code(errors ? 422 : 200).render('communities/reply-form.njk', {
      title: `Edit your reply to “${thread.title}”`,
      breadcrumbs: [...communityCrumbs(access.community), { text: thread.title, href: threadPath(access.community.slug, thread.id) }],
      thread,
      values,
      errors,
      backHref: replyPath(access.community.slug, thread.id, r.id),
      noindex: true,
    })

  app.get('/communities/:slug/threads/:id/replies/:replyId/edit', { config: { serves: 'form', shows: 'reply' } }, async (request, reply) => {
    if (!request.user) return signIn(request, reply)
    const { access, thread, reply: r } = await ownReply(request)
    return renderEditReply(reply, access, thread, r, { body: r.body })
  })

  app.post('/communities/:slug/threads/:id/replies/:replyId/edit', async (request, reply) => {
    if (!signedIn(request.actor)) return signIn(request, reply)
    const { access, thread, reply: r } = await ownReply(request)
    const parsed = parseInput(replyEditSchema, request.body)
    if (!parsed.ok) return renderEditReply(reply, access, thread, r, parsed.input, parsed.errors)
    try {
      await app.db.transaction().execute((trx) => editReply(trx, request.actor, access, thread, r, parsed.value))
    } catch (err) {
      const errors = fieldErrors(err)
      if (errors) return renderEditReply(reply, access, thread, r, parsed.value, errors)
      throw err
    }
    return reply.redirect(replyPath(access.community.slug, thread.id, r.id), 303)
  })

  app.get('/communities/:slug/threads/:id/history', { config: { serves: 'page', shows: 'thread' } }, async (request, reply) => {
    const { slug, id } = request.params as Params
    const access = await loadCommunity(app.db, request.actor, slug)
    const thread = await loadThread(request, access, id)
    const revisions = await listRevisions(app.db, 'thread', thread.id)
    const editors = await people([thread.authorId, ...revisions.map((r) => r.editedBy)])
    return reply.render('communities/history.njk', {
      title: `History of “${thread.title}”`,
      breadcrumbs: [...communityCrumbs(access.community), { text: thread.title, href: threadPath(slug, thread.id) }],
      current: { title: thread.title, body: thread.body, at: thread.editedAt ?? thread.createdAt },
      revisions: revisions.map((r) => ({ ...r, editor: editors.get(r.editedBy) })),
      noindex: true,
    })
  })

  app.get('/communities/:slug/threads/:id/replies/:replyId/history', { config: { serves: 'page', shows: 'reply' } }, async (request, reply) => {
    const { slug, id, replyId } = request.params as Params
    const access = await loadCommunity(app.db, request.actor, slug)
    const thread = await loadThread(request, access, id)
    const r = await findReply(app.db, replyId)
    if (!r || r.threadId !== thread.id) throw notFound()
    if (r.hiddenAt && r.authorId !== request.actor.userId && !access.canModerate) throw notFound()
    const revisions = await listRevisions(app.db, 'reply', r.id)
    const editors = await people(revisions.map((v) => v.editedBy))
    return reply.render('communities/history.njk', {
      title: `History of a reply to “${thread.title}”`,
      breadcrumbs: [...communityCrumbs(access.community), { text: thread.title, href: threadPath(slug, thread.id) }],
      current: { title: null, body: r.body, at: r.editedAt ?? r.createdAt },
      revisions: revisions.map((v) => ({ ...v, editor: editors.get(v.editedBy) })),
      noindex: true,
    })
  })
}
