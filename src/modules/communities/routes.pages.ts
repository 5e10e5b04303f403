import { createReadStream } from 'node:fs'
import { stat, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import multipart from '@fastify/multipart'
import { signedIn } from '../../core/access/policy.ts'
import { can } from '../../core/access/can.ts'
import { replyFacts, threadFacts } from './communities.policy.ts'
import type { Db } from '../../core/db/database.ts'
import { newId } from '../../core/db/ids.ts'
import { AppError, forbidden, notFound, type FieldErrors } from '../../core/errors.ts'
import { feedLinks } from '../../core/feeds/feeds.ts'
import { parseInput } from '../../core/http/forms.ts'
import { renderMarkdown } from '../../core/markdown/markdown.ts'
import {
  REPLIES_PER_PAGE,
  addFile,
  addLink,
  canSeeDocument,
  canSeeThread,
  checkUpload,
  createCommunity,
  createReply,
  createThread,
  declineInvitation,
  acceptInvitation,
  adminAccessLog,
  authorsByIds,
  openAsAdmin,
  membersOf,
  editReply,
  editThread,
  formatBytes,
  inviteMember,
  joinCommunity,
  leaveCommunity,
  loadCommunity,
  loadInvitation,
  memberAction,
  replyPath,
  setThreadFlag,
  threadPath,
  updateCommunity,
  uploadsDir,
  type CommunityAccess,
  type UploadedFile,
} from './communities.ts'
import {
  findCommunityBySlug,
  findDocument,
  findReply,
  findThread,
  listCommunities,
  listDocuments,
  listReplies,
  listRevisions,
  listThreads,
  memberCounts,
  openInvitations,
  replyBySubmission,
  repliesByIds,
  threadBySubmission,
  type Reply,
  type ReplyWindow,
  type Thread,
} from './communities.queries.ts'
import { adminAccessSchema, communitySchema, inviteSchema, linkSchema, memberActionSchema, replyEditSchema, replySchema, threadEditSchema, threadSchema, uploadSchema } from './communities.schemas.ts'

type Params = { slug: string; id: string; replyId: string; userId: string }
type Query = Record<string, string | undefined>

const VISIBILITY_LABELS: Record<string, string> = { public: 'Public', signed_in: 'Signed-in members of Openly', members: 'Private to its members' }
const POLICY_LABELS: Record<string, string> = { open: 'Anyone can join', request: 'Ask to join', invite: 'Invite only' }

const visibilityItems = (selected: string) => [
  { value: 'public', text: 'Public', hint: { text: 'Anyone can read it, including search engines.' }, checked: selected === 'public' },
  { value: 'signed_in', text: 'Signed-in members of Openly', hint: { text: 'Anyone with an Openly account can read it.' }, checked: selected === 'signed_in' },
  { value: 'members', text: 'Private to its members', hint: { text: 'Only its members can see it. Nothing in it appears anywhere else.' }, checked: selected === 'members' },
]
const policyItems = (selected: string) => [
  { value: 'open', text: 'Anyone can join', checked: selected === 'open' },
  { value: 'request', text: 'People ask to join and a host approves', checked: selected === 'request' },
  { value: 'invite', text: 'Invite only', checked: selected === 'invite' },
]

/** Fixed messages for `?done=` after a redirect (never echo user input). */
const DONE: Record<string, string> = {
  created: 'Community created',
  saved: 'Changes saved',
  joined: 'You joined the community',
  requested: 'Your request to join has been sent to the hosts',
  left: 'You left the community',
  invited: 'Invitation sent',
  member: 'Membership updated',
  declined: 'Invitation declined',
  link: 'Link added to the library',
  file: 'File uploaded to the library',
  edited: 'Your changes have been saved',
  moderated: 'Thread updated',
}

const signIn = (request: FastifyRequest, reply: FastifyReply, path = request.url) => reply.redirect(`/sign-in?next=${encodeURIComponent(path)}`, 303)

/** Fields of a multipart body ({ value } objects) or a plain form body. */
function fieldsOf(body: unknown): Record<string, unknown> {
  return body && typeof body === 'object' ? (body as Record<string, unknown>) : {}
}

/** Errors with field messages come back to the form; others go to the error handler. */
function fieldErrors(err: unknown): FieldErrors | null {
  return err instanceof AppError && err.fields ? err.fields : null
}

function communityCrumbs(c: { slug: string; name: string }) {
  return [
    { text: 'Home', href: '/' },
    { text: 'Communities', href: '/communities' },
    { text: c.name, href: `/communities/${c.slug}` },
  ]
}

/** Parses ?after= / ?before= / ?page=last into a reply window. */
function replyWindow(query: Query): ReplyWindow {
  if (query.page === 'last') return { last: true }
  const before = Number(query.before)
  if (Number.isInteger(before) && before > 0) return { before }
  const after = Number(query.after)
  return { after: Number.isInteger(after) && after > 0 ? after : 0 }
}

export const communitiesPages: FastifyPluginAsync = async (app) => {
  // Multipart only in this module: fields are parsed before core's CSRF preHandler reads `_csrf`;
  // an oversized file is cut off (truncated) rather than thrown, so the form can say so and keep the input.
  await app.register(multipart, {
    attachFieldsToBody: true,
    throwFileSizeLimit: false,
    limits: { fileSize: app.config.uploadMaxBytes, files: 1, fields: 20, fieldSize: 100_000, parts: 25 },
  })

  const people = async (ids: string[]) => authorsByIds(app.db, ids)

  // ------------------------------------------------------------ list and create

  app.get('/communities', { config: { serves: 'page', cache: true, cacheQuery: ['cursor'] } }, async (request, reply) => {
    const query = request.query as Query
    const page = await listCommunities(app.db, request.actor, { cursor: query.cursor, limit: 20 })
    const counts = await memberCounts(app.db, page.items.map((c) => c.id))
    return reply.render('communities/index.njk', {
      title: 'Communities',
      breadcrumbs: [{ text: 'Home', href: '/' }],
      communities: page.items.map((c) => ({ ...c, members: counts.get(c.id) ?? 0, visibilityLabel: VISIBILITY_LABELS[c.visibility], policyLabel: POLICY_LABELS[c.joinPolicy] })),
      next: page.next ? `/communities?cursor=${page.next}` : null,
      isLaterPage: Boolean(query.cursor),
    })
  })

  const renderNew = (reply: FastifyReply, values: Record<string, unknown>, errors?: FieldErrors) =>
    reply.code(errors ? 422 : 200).render('communities/form.njk', {
      title: 'Start a community',
      heading: 'Start a community',
      breadcrumbs: [{ text: 'Home', href: '/' }, { text: 'Communities', href: '/communities' }],
      values,
      errors,
      visibilityItems: visibilityItems(String(values.visibility ?? 'public')),
      policyItems: policyItems(String(values.join_policy ?? 'open')),
      submitText: 'Create community',
      noindex: true,
    })

  app.get('/communities/new', { config: { serves: 'form' } }, async (request, reply) => {
    if (!request.user) return signIn(request, reply)
    return renderNew(reply, { visibility: 'public', join_policy: 'open' })
  })

  app.post('/communities/new', async (request, reply) => {
    if (!signedIn(request.actor)) return signIn(request, reply, '/communities/new')
    const parsed = parseInput(communitySchema, request.body)
    if (!parsed.ok) return renderNew(reply, parsed.input, parsed.errors)
    const { slug } = await app.db.transaction().execute((trx) => createCommunity(trx, request.actor, parsed.value))
    return reply.redirect(`/communities/${slug}?done=created`, 303)
  })

  // ------------------------------------------------------------ community page

  app.get('/communities/:slug', { config: { serves: 'page', cache: true, cacheQuery: ['done'] } }, async (request, reply) => {
    const { slug } = request.params as Params
    const query = request.query as Query
    const access = await loadCommunity(app.db, request.actor, slug)
    const c = access.community
    const [threads, docs, counts, postsHtml] = await Promise.all([
      listThreads(app.db, request.actor, c.id, { limit: 10 }),
      listDocuments(app.db, request.actor, c.id, { limit: 5 }),
      memberCounts(app.db, [c.id]),
      app.panels(request, 'community', { id: c.id, slug: c.slug }),
    ])
    const authors = await people(threads.items.map((t) => t.authorId))
    const hosts = (await membersOf(app.db, c.id, ['active'], 20)).filter((m) => m.role === 'host')
    return reply.render('communities/show.njk', {
      title: c.name,
      breadcrumbs: [{ text: 'Home', href: '/' }, { text: 'Communities', href: '/communities' }],
      feeds: feedLinks(`/communities/${c.slug}`, c.name),
      canonicalUrl: `${app.config.baseUrl}/communities/${c.slug}`,
      noindex: c.visibility !== 'public',
      c,
      descriptionHtml: renderMarkdown(c.description),
      access,
      membership: access.facts?.status ?? null,
      role: access.facts?.role ?? null,
      visibilityLabel: VISIBILITY_LABELS[c.visibility],
      policyLabel: POLICY_LABELS[c.joinPolicy],
      memberCount: counts.get(c.id) ?? 0,
      hosts,
      threads: threads.items.map((t) => ({ ...t, author: authors.get(t.authorId) })),
      moreThreads: Boolean(threads.next),
      documents: docs.items,
      moreDocuments: Boolean(docs.next),
      postsHtml,
      flash: query.done ? DONE[query.done] : undefined,
    })
  })

  // ------------------------------------------------------------ join, leave, invitations

  app.post('/communities/:slug/join', async (request, reply) => {
    const { slug } = request.params as Params
    if (!signedIn(request.actor)) return signIn(request, reply, `/communities/${slug}`)
    const outcome = await app.db.transaction().execute(async (trx) => joinCommunity(trx, request.actor, await loadCommunity(trx, request.actor, slug)))
    return reply.redirect(`/communities/${slug}?done=${outcome === 'requested' ? 'requested' : 'joined'}`, 303)
  })

  app.post('/communities/:slug/leave', async (request, reply) => {
    const { slug } = request.params as Params
    if (!signedIn(request.actor)) return signIn(request, reply, `/communities/${slug}`)
    const visible = await app.db.transaction().execute(async (trx) => {
      const access = await loadCommunity(trx, request.actor, slug)
      await leaveCommunity(trx, request.actor, access)
      return access.community.visibility !== 'members'
    })
    return reply.redirect(visible ? `/communities/${slug}?done=left` : '/communities', 303)
  })

  app.get('/communities/:slug/invitation', { config: { serves: 'form' } }, async (request, reply) => {
    const { slug } = request.params as Params
    const token = (request.query as Query).token ?? null
    if (!request.user) return signIn(request, reply)
    const { community, valid } = await loadInvitation(app.db, request.actor, slug, token)
    return reply.render('communities/invitation.njk', {
      title: valid ? `Join ${community.name}` : 'Invitation not valid',
      c: community,
      valid,
      token,
      noindex: true,
    })
  })

  app.post('/communities/:slug/invitation', async (request, reply) => {
    const { slug } = request.params as Params
    if (!signedIn(request.actor)) return signIn(request, reply, `/communities/${slug}/invitation`)
    const body = fieldsOf(request.body)
    const token = typeof body.token === 'string' && body.token ? body.token : null
    const decline = body.action === 'decline'
    await app.db.transaction().execute(async (trx) => {
      const { community } = await loadInvitation(trx, request.actor, slug, token)
      if (decline) await declineInvitation(trx, request.actor, community)
      else await acceptInvitation(trx, request.actor, community, token)
    })
    return reply.redirect(decline ? '/communities?done=declined' : `/communities/${slug}?done=joined`, 303)
  })

  // ------------------------------------------------------------ edit (hosts)

  const renderEdit = (reply: FastifyReply, access: CommunityAccess, values: Record<string, unknown>, errors?: FieldErrors) =>
    reply.code(errors ? 422 : 200).render('communities/form.njk', {
      title: `Edit ${access.community.name}`,
      heading: 'Edit community',
      caption: access.community.name,
      breadcrumbs: communityCrumbs(access.community),
      values,
      errors,
      visibilityItems: visibilityItems(String(values.visibility ?? '')),
      policyItems: policyItems(String(values.join_policy ?? '')),
      submitText: 'Save changes',
      noindex: true,
    })

  const loadHost = async (request: FastifyRequest, slug: string, db: Db = app.db) => {
    const access = await loadCommunity(db, request.actor, slug)
    // A reader who may see the community learns nothing new from a 403; others already got 404 above.
    if (!access.isHost) throw forbidden('Only hosts can manage this community')
    return access
  }

  app.get('/communities/:slug/edit', { config: { serves: 'form' } }, async (request, reply) => {
    if (!request.user) return signIn(request, reply)
    const access = await loadHost(request, (request.params as Params).slug)
    const c = access.community
    return renderEdit(reply, access, { name: c.name, description: c.description, themes: c.themes.join(', '), join_policy: c.joinPolicy, visibility: c.visibility })
  })

  app.post('/communities/:slug/edit', async (request, reply) => {
    const { slug } = request.params as Params
    if (!signedIn(request.actor)) return signIn(request, reply, `/communities/${slug}/edit`)
    const access = await loadHost(request, slug)
    const parsed = parseInput(communitySchema, request.body)
    if (!parsed.ok) return renderEdit(reply, access, parsed.input, parsed.errors)
    await app.db.transaction().execute(async (trx) => updateCommunity(trx, request.actor, await loadHost(request, slug, trx), parsed.value))
    return reply.redirect(`/communities/${slug}?done=saved`, 303)
  })

  // ------------------------------------------------------------ access as admin

  /**
   * A trusted space is not read by platform admins by default: an admin opens a members-only
   * community only by giving a reason, which is audit-logged and shown to its hosts.
   */
  const adminAccessForm = async (request: FastifyRequest) => {
    const community = await findCommunityBySlug(app.db, (request.params as Params).slug)
    if (!request.actor.isAdmin || !community) throw notFound()
    return community
  }
  const renderAdminAccess = (reply: FastifyReply, c: { name: string; slug: string }, values: Record<string, unknown> = {}, errors?: FieldErrors) =>
    reply.code(errors ? 422 : 200).render('communities/admin-access.njk', { title: `Access ${c.name} as an admin`, c, values, errors, noindex: true, breadcrumbs: [{ text: 'Admin', href: '/admin' }] })

  app.get('/communities/:slug/admin-access', { config: { serves: 'form' } }, async (request, reply) => {
    if (!request.user) return signIn(request, reply)
    return renderAdminAccess(reply, await adminAccessForm(request))
  })

  app.post('/communities/:slug/admin-access', async (request, reply) => {
    if (!signedIn(request.actor)) return signIn(request, reply)
    const c = await adminAccessForm(request)
    const parsed = parseInput(adminAccessSchema, request.body)
    if (!parsed.ok) return renderAdminAccess(reply, c, parsed.input, parsed.errors)
    await app.db.transaction().execute((trx) => openAsAdmin(trx, request.actor, c, parsed.value.reason))
    return reply.redirect(`/communities/${c.slug}`, 303)
  })

  // ------------------------------------------------------------ members

  const renderMembers = async (request: FastifyRequest, reply: FastifyReply, access: CommunityAccess, extra: { values?: Record<string, unknown>; errors?: FieldErrors; status?: number } = {}) => {
    const c = access.community
    const active = await membersOf(app.db, c.id, ['active'])
    const host = access.isHost
    const [requested, invited, banned, invitations, adminAccess] = host
      ? await Promise.all([membersOf(app.db, c.id, ['requested']), membersOf(app.db, c.id, ['invited']), membersOf(app.db, c.id, ['banned']), openInvitations(app.db, c.id), adminAccessLog(app.db, c.id)])
      : [[], [], [], [], []]
    return reply.code(extra.status ?? (extra.errors ? 422 : 200)).render('communities/members.njk', {
      title: `Members of ${c.name}`,
      breadcrumbs: communityCrumbs(c),
      c,
      access,
      active,
      requested,
      invited,
      banned,
      emailInvitations: invitations.filter((i) => i.userId === null),
      adminAccess,
      me: request.actor.userId,
      values: extra.values ?? {},
      errors: extra.errors,
      flash: (request.query as Query).done ? DONE[(request.query as Query).done!] : undefined,
      noindex: true,
    })
  }

  app.get('/communities/:slug/members', { config: { serves: 'page' } }, async (request, reply) => {
    const access = await loadCommunity(app.db, request.actor, (request.params as Params).slug)
    return renderMembers(request, reply, access)
  })

  app.post('/communities/:slug/members/invite', async (request, reply) => {
    const { slug } = request.params as Params
    if (!signedIn(request.actor)) return signIn(request, reply, `/communities/${slug}/members`)
    const access = await loadHost(request, slug)
    const parsed = parseInput(inviteSchema, request.body)
    if (!parsed.ok) return renderMembers(request, reply, access, { values: parsed.input, errors: parsed.errors })
    let result
    try {
      result = await app.db.transaction().execute(async (trx) => inviteMember(trx, request.actor, await loadHost(request, slug, trx), parsed.value.invitee, app.config.baseUrl))
    } catch (err) {
      const errors = fieldErrors(err)
      if (errors) return renderMembers(request, reply, access, { values: parsed.value, errors })
      throw err
    }
    // Mail goes out after the commit, so a mail failure never undoes the invitation.
    if (result.mail) await app.mailer.send(result.mail)
    return reply.redirect(`/communities/${slug}/members?done=invited`, 303)
  })

  app.post('/communities/:slug/members/:userId', async (request, reply) => {
    const { slug, userId } = request.params as Params
    if (!signedIn(request.actor)) return signIn(request, reply, `/communities/${slug}/members`)
    const parsed = parseInput(memberActionSchema, request.body)
    const access = await loadHost(request, slug)
    if (!parsed.ok) return renderMembers(request, reply, access, { errors: parsed.errors })
    try {
      await app.db.transaction().execute(async (trx) => memberAction(trx, request.actor, await loadHost(request, slug, trx), userId, parsed.value.action, parsed.value.role))
    } catch (err) {
      if (err instanceof AppError && err.status === 409) return renderMembers(request, reply, access, { errors: { action: err.message }, status: 409 })
      throw err
    }
    return reply.redirect(`/communities/${slug}/members?done=member`, 303)
  })

  // ------------------------------------------------------------ threads

  app.get('/communities/:slug/threads', { config: { serves: 'page', cache: true, cacheQuery: ['cursor'] } }, async (request, reply) => {
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
      noindex: c.visibility !== 'public',
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

  app.get('/communities/:slug/threads/new', { config: { serves: 'form' } }, async (request, reply) => {
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
      thread: { ...thread, author: authors.get(thread.authorId) },
      replies: page.items.map((r) => ({ ...r, author: authors.get(r.authorId), quoted: r.quoteReplyId ? quoted.get(r.quoteReplyId) : undefined, quotedAuthor: r.quoteReplyId ? authors.get(quoted.get(r.quoteReplyId)?.authorId ?? '') : undefined })),
      me: request.actor.userId,
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

  app.get('/communities/:slug/threads/:id', { config: { serves: 'page', cache: true, cacheQuery: ['page', 'before', 'after', 'quote', 'done'] } }, async (request, reply) => {
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
  app.get('/communities/:slug/threads/:id/replies/:replyId', { config: { serves: 'redirect' } }, async (request, reply) => {
    const { slug, id, replyId } = request.params as Params
    const access = await loadCommunity(app.db, request.actor, slug)
    const thread = await loadThread(request, access, id)
    const r = await findReply(app.db, replyId)
    if (!r || r.threadId !== thread.id) throw notFound()
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

  app.get('/communities/:slug/threads/:id/edit', { config: { serves: 'form' } }, async (request, reply) => {
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

  app.get('/communities/:slug/threads/:id/replies/:replyId/edit', { config: { serves: 'form' } }, async (request, reply) => {
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

  app.get('/communities/:slug/threads/:id/history', { config: { serves: 'page' } }, async (request, reply) => {
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

  app.get('/communities/:slug/threads/:id/replies/:replyId/history', { config: { serves: 'page' } }, async (request, reply) => {
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

  // ------------------------------------------------------------ library

  app.get('/communities/:slug/library', { config: { serves: 'page', cache: true, cacheQuery: ['cursor', 'done'] } }, async (request, reply) => {
    const query = request.query as Query
    const access = await loadCommunity(app.db, request.actor, (request.params as Params).slug)
    const c = access.community
    const page = await listDocuments(app.db, request.actor, c.id, { cursor: query.cursor, limit: 25 })
    const authors = await people(page.items.map((d) => d.authorId))
    return reply.render('communities/library.njk', {
      title: `Library of ${c.name}`,
      breadcrumbs: communityCrumbs(c),
      c,
      access,
      documents: page.items.map((d) => ({ ...d, author: authors.get(d.authorId), size: d.sizeBytes ? formatBytes(d.sizeBytes) : '' })),
      next: page.next ? `/communities/${c.slug}/library?cursor=${page.next}` : null,
      isLaterPage: Boolean(query.cursor),
      flash: query.done ? DONE[query.done] : undefined,
      noindex: c.visibility !== 'public',
    })
  })

  const renderDocForm = (reply: FastifyReply, access: CommunityAccess, kind: 'file' | 'link', values: Record<string, unknown>, errors?: FieldErrors, status?: number) =>
    reply.code(status ?? (errors ? 422 : 200)).render('communities/document-form.njk', {
      title: kind === 'file' ? `Upload a file to ${access.community.name}` : `Add a link to ${access.community.name}`,
      heading: kind === 'file' ? 'Upload a file' : 'Add a link',
      caption: access.community.name,
      breadcrumbs: [...communityCrumbs(access.community), { text: 'Library', href: `/communities/${access.community.slug}/library` }],
      kind,
      maxSize: formatBytes(app.config.uploadMaxBytes),
      values,
      errors,
      noindex: true,
    })

  const loadParticipant = async (request: FastifyRequest, slug: string) => {
    const access = await loadCommunity(app.db, request.actor, slug)
    if (!access.canParticipate) throw new AppError('forbidden', 403, 'Join this community to add to its library')
    return access
  }

  for (const kind of ['file', 'link'] as const) {
    const path = kind === 'file' ? '/communities/:slug/library/upload' : '/communities/:slug/library/link'
    app.get(path, { config: { serves: 'form' } }, async (request, reply) => {
      if (!request.user) return signIn(request, reply)
      const access = await loadParticipant(request, (request.params as Params).slug)
      return renderDocForm(reply, access, kind, {})
    })
  }

  app.post('/communities/:slug/library/link', async (request, reply) => {
    const { slug } = request.params as Params
    if (!signedIn(request.actor)) return signIn(request, reply, `/communities/${slug}/library/link`)
    const access = await loadParticipant(request, slug)
    const parsed = parseInput(linkSchema, request.body)
    if (!parsed.ok) return renderDocForm(reply, access, 'link', parsed.input, parsed.errors)
    await app.db.transaction().execute((trx) => addLink(trx, request.actor, access, parsed.value))
    return reply.redirect(`/communities/${slug}/library?done=link`, 303)
  })

  app.post('/communities/:slug/library/upload', async (request, reply) => {
    const { slug } = request.params as Params
    if (!signedIn(request.actor)) return signIn(request, reply, `/communities/${slug}/library/upload`)
    const access = await loadParticipant(request, slug)
    const body = fieldsOf(request.body)
    const parsed = parseInput(uploadSchema, body)
    const part = body.file as { type?: string; filename?: string; _buf?: Buffer | null; file?: { truncated?: boolean } } | undefined
    const file: UploadedFile | null = part && part.type === 'file' ? { fileName: part.filename ?? '', data: part._buf ?? Buffer.alloc(0), truncated: Boolean(part.file?.truncated) } : null
    const checked = await checkUpload(file, app.config.uploadMaxBytes)
    const errors: FieldErrors = parsed.ok ? {} : { ...parsed.errors }
    if (!checked.ok) errors.file = checked.error
    const values = parsed.ok ? { title: parsed.value.title, description: parsed.value.description } : parsed.input
    if (!parsed.ok || !checked.ok) return renderDocForm(reply, access, 'file', values, errors, !checked.ok && checked.status === 413 ? 413 : 422)
    let storageKey: string | null = null
    try {
      await app.db.transaction().execute(async (trx) => {
        const stored = await addFile(trx, request.actor, access, parsed.value, file!, checked, app.config.dataDir)
        storageKey = stored.storageKey
      })
    } catch (err) {
      // Nothing half-saved: the row rolled back, so the stored file goes too.
      if (storageKey) await unlink(join(uploadsDir(app.config.dataDir), storageKey)).catch(() => {})
      throw err
    }
    return reply.redirect(`/communities/${slug}/library?done=file`, 303)
  })

  app.get('/communities/:slug/documents/:id/download', { config: { serves: 'file' } }, async (request, reply) => {
    const { slug, id } = request.params as Params
    const access = await loadCommunity(app.db, request.actor, slug)
    const doc = await findDocument(app.db, id)
    if (!doc || doc.spaceId !== access.community.id || doc.kind !== 'file' || !doc.storageKey) throw notFound()
    if (!(await canSeeDocument(app.db, request.actor, doc))) throw notFound()
    const path = join(uploadsDir(app.config.dataDir), doc.storageKey)
    const info = await stat(path).catch(() => null)
    if (!info) throw notFound()
    const name = doc.fileName ?? `document`
    const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_')
    return reply
      .type(doc.mimeType ?? 'application/octet-stream')
      .header('content-length', info.size)
      .header('content-disposition', `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`)
      .header('x-content-type-options', 'nosniff')
      .header('cache-control', 'private, no-cache')
      .send(createReadStream(path))
  })
}
