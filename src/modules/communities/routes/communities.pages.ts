import type { FastifyPluginAsync, FastifyReply } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { cursor, done, id, params, query, slug, text } from '../../../core/http/schemas.ts'
import { userOf } from '../../../core/http/input.ts'
import { signedIn } from '../../../core/access/policy.ts'
import type { FieldErrors } from '../../../core/errors.ts'
import { feedLinks } from '../../../core/feeds/feeds.ts'
import { parseInput, submitForm } from '../../../core/http/forms.ts'
import { submissionTokenIn, submitOnce } from '../../../core/http/submissions.ts'
import { renderMarkdown } from '../../../core/markdown/markdown.ts'
import { createCommunity, loadCommunity, updateCommunity, type CommunityAccess } from '../communities.ts'
import { listCommunities, memberCounts } from '../communities.queries.ts'
import { listThreads } from '../discussions.queries.ts'
import { listDocuments } from '../library.queries.ts'
import { membersOf } from '../membership.ts'
import { authorsByIds } from '../people.ts'
import { communitySchema } from '../communities.schemas.ts'
import { DONE, communityCrumbs, loadHost, signIn, type Params, type Query } from './page-helpers.ts'

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

/** The community list, starting a community, its home page and its settings (hosts). */
export const communityPages: FastifyPluginAsync = async (plain) => {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>()
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
      noindex: Boolean(query.cursor),
      metaDescription: 'Communities of practice where public-sector people share what they learn.',
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
      creating: true,
      noindex: true,
    })

  app.get('/communities/new', { config: { serves: 'form', signIn: true } }, async (request, reply) => {
    return renderNew(reply, { visibility: 'public', join_policy: 'open' })
  })

  app.post('/communities/new', { config: { signIn: true } }, async (request, reply) =>
    submitForm(request.body, communitySchema, {
      again: (values, errors) => renderNew(reply, values, errors),
      save: async (value) => {
        const { url } = await submitOnce(app.db, submissionTokenIn(request.body), userOf(request).id, async (trx) => `/communities/${(await createCommunity(trx, request.actor, value)).slug}?done=created`)
        return reply.redirect(url, 303)
      },
    }),
  )

  // ------------------------------------------------------------ community page

  app.get('/communities/:slug', { config: { serves: 'page', cache: true, cacheQuery: ['done'], shows: 'community' }, schema: { params: params({ slug }) } }, async (request, reply) => {
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
      metaDescription: c.description,
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

  app.get('/communities/:slug/edit', { config: { serves: 'form', shows: 'community', signIn: true }, schema: { params: params({ slug }) } }, async (request, reply) => {
    const access = await loadHost(request, (request.params as Params).slug)
    const c = access.community
    return renderEdit(reply, access, { name: c.name, description: c.description, themes: c.themes.join(', '), join_policy: c.joinPolicy, visibility: c.visibility })
  })

  app.post('/communities/:slug/edit', { config: { signIn: true }, schema: { params: params({ slug }) } }, async (request, reply) => {
    const { slug } = request.params as Params
    const access = await loadHost(request, slug)
    const parsed = parseInput(communitySchema, request.body)
    if (!parsed.ok) return renderEdit(reply, access, parsed.input, parsed.errors)
    await app.db.transaction().execute(async (trx) => updateCommunity(trx, request.actor, await loadHost(request, slug, trx), parsed.value))
    return reply.redirect(`/communities/${slug}?done=saved`, 303)
  })
}
