/**
 * The leak matrix's world: every kind of subject in every state, built the way people build them —
 * through the HTTP forms (sign-up and the e-mailed confirmation link, communities, invitations and
 * the members page, threads, replies, uploads, posts, comments, organisations, projects) and the
 * moderation flow (report, then a moderator's decision) for what a moderator hides. States with no
 * form yet are made with the owning module's use case, each marked where it happens.
 * Each fixture carries a unique marker word (see oracle.ts) and the facts the oracle judges by.
 */
import assert from 'node:assert/strict'
import type { LightMyRequestResponse } from 'fastify'
import type { TestApp } from '../support/app.ts'
import { TestClient, csrfTokenIn } from '../support/client.ts'
import { createUser, signInAs } from '../support/factories.ts'
import { submitMultipart } from '../support/multipart.ts'
import type { Mailbox } from '../support/mailbox.ts'
import { setPersonHidden } from '../../src/modules/accounts/accounts.ts'
import { VISIBILITIES, type ActorName, type Fixture, type Relation, type Vis } from './oracle.ts'
import { buildEvents } from './events.fixtures.ts'
import { buildReading } from './reading.fixtures.ts'
import { buildUnsubscribeLinks } from './mail.fixtures.ts'
import { buildFollows } from './follows.fixtures.ts'
import { buildBarriers } from './barriers.fixtures.ts'
import { buildChallenges } from './challenges.fixtures.ts'
import { buildDirectoryCrowd } from './directory.fixtures.ts'

export interface World {
  fixtures: Fixture[]
  relations: Relation[]
  clients: Record<ActorName, TestClient>
  /** E-mail address of everyone who may get mail, to judge what was mailed to whom. */
  emails: Map<string, ActorName | Fixture>
  userIds: Partial<Record<ActorName, string>>
}

/** Marker codes: `zq` + kind + state + `x`. */
const VIS_CODE: Record<Vis, string> = { public: 'pub', signed_in: 'sig', members: 'mem' }
const TAG: Record<Vis | 'site', string> = { public: 'leakcheck-pub', signed_in: 'leakcheck-sig', members: 'leakcheck-mem', site: 'leakcheck-site' }
const PASSWORD = 'leak matrix password 1'

const location = (res: LightMyRequestResponse) => String(res.headers.location ?? '')
function redirected(res: LightMyRequestResponse, what: string): string {
  const errors = (res.body.match(/govuk-error-message[^]*?<\/p>/g) ?? []).join(' ').replace(/<[^>]+>/g, '')
  assert.equal(res.statusCode, 303, `${what}: ${res.statusCode} ${errors || res.body.slice(0, 300)}`)
  return location(res)
}
const captured = (re: RegExp, text: string, what: string) => {
  const m = re.exec(text)?.[1]
  assert.ok(m, `${what}: no match for ${re} in ${text.slice(0, 200)}`)
  return m
}

/** A tiny but real PDF whose text is the marker. */
function pdfWith(text: string): Buffer {
  const stream = `BT /F1 12 Tf 20 100 Td (${text}) Tj ET`
  return Buffer.from(
    `%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n` +
      `3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >> endobj\n` +
      `4 0 obj << /Length ${stream.length} >> stream\n${stream}\nendstream endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`,
  )
}

export async function buildWorld(t: TestApp, mailbox: Mailbox): Promise<World> {
  const db = t.app.db
  const fixtures: Fixture[] = []
  const add = (f: Fixture) => (fixtures.push(f), f)
  const clients = {} as Record<ActorName, TestClient>
  const userIds = {} as Record<string, string>
  const emails = new Map<string, ActorName | Fixture>()
  const moderatable = new Set(t.app.modules.flatMap((m) => Object.keys(m.moderation ?? {})))

  // ---------------------------------------------------------------- actors (test users; the people below sign up)
  clients.anonymous = new TestClient(t.app)
  for (const name of ['stranger', 'member', 'moderator', 'host', 'admin', 'grantadmin', 'banned', 'removed', 'requester', 'orgadmin'] as const) {
    const user = await createUser(db, { handle: `leak-${name}`, name: `Leak ${name}`, isAdmin: name === 'admin' || name === 'grantadmin', email: `${name}@leak.example` })
    userIds[name] = user.id
    emails.set(user.email, name)
    clients[name] = new TestClient(t.app)
    await signInAs(db, clients[name], user.id)
  }
  const c = clients

  /** The moderation flow: a moderator reports what they see, then decides to hide it from the queue. */
  async function hideByReport(moderator: ActorName, type: string, id: string, space: Vis | undefined, subject: Fixture): Promise<void> {
    assert.ok(moderatable.has(type), `moderation of ${type} is registered by its module`)
    redirected(await c[moderator].submit(`/report?type=${type}&id=${id}`, { type, id, reason: `Hide ${subject.marker}` }, '/report'), `report ${subject.label}`)
    const report = await t.db.selectFrom('reports').select('id').where('subject_id', '=', id).where('status', '=', 'open').executeTakeFirstOrThrow()
    redirected(await c[moderator].submit(`/moderation/reports/${report.id}`, { action: 'hide', reason: 'Leak matrix' }), `hide ${subject.label}`)
    add({ kind: 'report', label: `report on ${subject.label}`, marker: subject.marker, words: [], ids: [], params: { id: report.id }, facts: { space, report: { subject, open: false } } })
  }

  // ---------------------------------------------------------------- people, signed up through the form
  const people = {} as Record<'listed' | 'unlisted' | 'unverified' | 'suspended' | 'hidden', Fixture>
  /** Each person's browser: signed in by the confirmation link (the listed person writes, but is no actor: they see what a stranger sees). */
  const browsers = {} as Record<keyof typeof people, TestClient>
  for (const state of ['listed', 'unlisted', 'unverified', 'suspended', 'hidden'] as const) {
    const marker = `zqpe${state.slice(0, 3)}x`
    const browser = new TestClient(t.app)
    const email = `${marker}@people.example`
    redirected(await browser.submit('/sign-up', { name: `Person ${marker}`, email, handle: marker, password: PASSWORD, ...(state === 'unlisted' ? {} : { listed: 'yes' }) }), `sign up ${state}`)
    if (state !== 'unverified') {
      const mail = await mailbox.waitFor(email, /confirm/i)
      const link = captured(/https?:\/\/[^\s]+(\/verify-email\?token=[^\s]+)/, mail.text, 'confirmation link')
      redirected(await browser.get(link), `confirm ${state}`) // the link signs the person in
    }
    browsers[state] = browser
    const self = ({ unlisted: 'unlistedself', hidden: 'hiddenself', suspended: 'suspendedself' } as const)[state as 'unlisted']
    if (self) clients[self] = browser
    people[state] = add({
      kind: 'person',
      label: `${state} person`,
      marker,
      words: [marker],
      ids: [],
      params: { handle: marker },
      ref: marker,
      path: `/people/${marker}`,
      search: { type: 'person', words: [marker] },
      facts: { person: { verified: state !== 'unverified', suspended: false, hidden: false, listed: state !== 'unlisted', self } },
    })
    emails.set(email, people[state])
    userIds[state] = (await t.db.selectFrom('users').select('id').where('handle', '=', marker).executeTakeFirstOrThrow()).id
  }

  // ---------------------------------------------------------------- communities, one per visibility, and memberships
  const community = {} as Record<Vis, { fixture: Fixture; slug: string; spaceId: string }>
  for (const vis of VISIBILITIES) {
    const marker = `zqcm${VIS_CODE[vis]}x`
    const slug = captured(/^\/communities\/([^/?]+)/, redirected(await c.host.submit('/communities/new', { name: `Community ${marker}`, description: `About ${marker}.`, themes: '', join_policy: 'invite', visibility: vis }), `create ${vis} community`), 'community slug')
    const invitees: ActorName[] = ['member', 'moderator', 'banned', 'removed', ...(vis === 'signed_in' ? (['unlistedself'] as const) : [])]
    const fixture = add({ kind: 'community', label: `${vis} community`, marker, words: [marker], ids: [], params: { slug }, ref: slug, path: `/communities/${slug}`, search: { type: 'community', words: [marker] }, facts: { space: vis, invited: invitees } })
    const members = `/communities/${slug}/members`
    const invited: Array<[TestClient, string]> = (['member', 'moderator', 'banned', 'removed'] as const).map((a) => [c[a], `leak-${a}`])
    // People's profiles list their communities: the listed person in the members-only one, the unlisted person in the signed-in one.
    if (vis === 'members') invited.push([browsers.listed, people.listed.marker])
    if (vis === 'signed_in') invited.push([browsers.unlisted, people.unlisted.marker])
    for (const [client, handle] of invited) {
      redirected(await c.host.submit(members, { invitee: handle }, `${members}/invite`), `invite ${handle} to the ${vis} community`)
      redirected(await client.submit(`/communities/${slug}/invitation`, { action: 'accept' }), `${handle} accepts`)
    }
    for (const [who, fields] of [['moderator', { action: 'role', role: 'moderator' }], ['banned', { action: 'ban' }], ['removed', { action: 'remove' }]] as const) {
      redirected(await c.host.submit(members, fields, `${members}/${userIds[who]}`), `${fields.action} ${who} in the ${vis} community`)
    }
    const spaceId = captured(new RegExp(`<option value="([^"]+)"[^>]*>\\s*Community ${marker}`), (await c.host.get('/posts/new')).body, 'community choice in the post form')
    community[vis] = { fixture, slug, spaceId }
  }
  // A platform admin opens the members-only community through "access as admin" (audited, shown to its hosts): while
  // the grant lasts they read and moderate it. Another admin, without it, must never be served what they were.
  redirected(await c.grantadmin.submit(`/communities/${community.members.slug}/admin-access`, { reason: 'Leak matrix: checking a report' }), 'open the members-only community as an admin')

  // ---------------------------------------------------------------- the directory: organisations and projects
  async function organisation(marker: string, region = '', country = 'Wales'): Promise<{ slug: string; id: string }> {
    const slug = captured(/^\/organisations\/([^/?]+)/, redirected(await c.orgadmin.submit('/organisations/new', { name: `Organisation ${marker}`, type: 'local government', country, region, website: '', description: `About ${marker}.`, themes: '' }), `create ${marker}`), 'organisation slug')
    return { slug, id: (JSON.parse((await c.orgadmin.get(`/api/v1/organisations/${slug}`)).body) as { id: string }).id }
  }
  async function project(by: ActorName, marker: string, fields: { lead?: string; partners?: string; team?: string[] }): Promise<{ slug: string; id: string }> {
    const form = { name: `Project ${marker}`, summary: `Summary ${marker}.`, phase: 'alpha', problem: '', audience: '', looking_for: '', themes: '', places: '', technologies: '', lead_organisation: fields.lead ?? '', partner_organisations: fields.partners ?? '', links: '', team: (fields.team ?? []).join('\n') }
    const slug = captured(/^\/projects\/([^/?]+)/, redirected(await c[by].submit('/projects/new', form), `create ${marker}`), 'project slug')
    return { slug, id: (JSON.parse((await c[by].get(`/api/v1/projects/${slug}`)).body) as { id: string }).id }
  }
  const directoryEntry = (kind: 'organisation' | 'project', marker: string, state: string, entry: { slug: string; id: string }, creator: ActorName, managers: ActorName[], extraWords: string[] = []): Fixture =>
    add({
      kind,
      label: `${state} ${kind}`,
      marker,
      words: [marker, ...extraWords],
      ids: [entry.id],
      params: { slug: entry.slug },
      ref: entry.slug,
      report: { type: kind, id: entry.id },
      path: `/${kind}s/${entry.slug}`,
      search: { type: kind, words: [marker] },
      facts: { authors: [creator], managers },
    })

  const op = await organisation('zqogpubx')
  // The hidden organisation's region is its alone: it must leave the directory's region counts and exports with it
  // (countries come from ISO 3166 now, and every form lists them all, so a country cannot be a marker; regions come
  // from ISO 3166-2 where it lists a country's regions, so the marker region is in Gibraltar, for which it lists none).
  const oh = await organisation('zqoghidx', 'zqoghidregionx', 'Gibraltar')
  const or = await organisation('zqogprox')
  const orgPublic = directoryEntry('organisation', 'zqogpubx', 'public', op, 'orgadmin', ['orgadmin'])
  const orgHidden = directoryEntry('organisation', 'zqoghidx', 'hidden', oh, 'orgadmin', ['orgadmin'], ['zqoghidregionx'])
  const orgNamed = directoryEntry('organisation', 'zqogprox', 'named-but-unconfirmed', or, 'orgadmin', ['orgadmin'])
  // Members of the public organisation (its page lists those with a public profile), added before two of them lose it.
  for (const state of ['listed', 'suspended', 'hidden'] as const) redirected(await c.orgadmin.submit(`/organisations/${op.slug}/members`, { handle: people[state].marker, role: 'member' }), `add the ${state} person to an organisation`)

  // The unlisted person asks to be listed as a member of the organisation the requester names: until its admins decide, that shows only to them and to the person.
  redirected(await browsers.unlisted.submit(`/organisations/${or.slug}`, { message: 'I work here' }, `/organisations/${or.slug}/membership-requests`), 'ask to be listed as a member')

  const team = ['leak-host', ...(['listed', 'unlisted', 'suspended', 'hidden'] as const).map((s) => people[s].marker)]
  // The organisations' admin names both as lead and partner: confirmed at once.
  const pp = await project('orgadmin', 'zqpjpubx', { lead: op.slug, partners: oh.slug, team })
  const ph = await project('requester', 'zqpjhidx', {})
  // The requester does not speak for the organisation they name: a proposal its admins must confirm.
  const pr = await project('requester', 'zqpjprox', { lead: or.slug })
  // Its team keeps a project current (the edit form lists the whole team).
  const projectPublic = directoryEntry('project', 'zqpjpubx', 'public', pp, 'orgadmin', ['orgadmin', 'host', 'unlistedself', 'hiddenself'])
  const projectHidden = directoryEntry('project', 'zqpjhidx', 'hidden', ph, 'requester', ['requester'])
  const projectNaming = directoryEntry('project', 'zqpjprox', 'naming-an-organisation', pr, 'requester', ['requester'])
  // Panels and labels on other pages, for whoever may see both.
  const profile = (state: keyof typeof people) => `/people/${people[state].marker}`
  orgHidden.shownOn = [`/projects/${pp.slug}`]
  orgPublic.shownOn = [`/projects/${pp.slug}`, profile('listed')]
  projectPublic.shownOn = [`/organisations/${op.slug}`, profile('listed'), profile('unlisted')]
  community.members.fixture.shownOn = [profile('listed')]
  community.signed_in.fixture.shownOn = [profile('unlisted')]

  // ---------------------------------------------------------------- posts
  async function post(by: TestClient, marker: string, label: string, authors: ActorName[], fields: Record<string, string>, facts: Fixture['facts'] = {}): Promise<Fixture> {
    const url = redirected(await by.submit('/posts/new', { title: `Post ${marker}`, summary: `Summary ${marker}`, body: `Post body ${marker}.`, publish: 'publish', ...fields }), `post ${label}`)
    const slug = captured(/^\/posts\/([^/?#]+)/, url, 'post slug')
    const id = (await t.db.selectFrom('posts').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id
    return add({ kind: 'post', label, marker, words: [marker], ids: [], params: { slug }, ref: slug, report: { type: 'post', id }, path: `/posts/${slug}`, search: { type: 'post', words: [marker] }, facts: { authors, ...facts } })
  }
  // Images in posts (uploaded through the post form): as visible as their post; before a post uses one, its uploader's.
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64')
  async function image(by: TestClient, marker: string): Promise<{ id: string; markdown: string }> {
    const res = await submitMultipart(by, '/posts/new', { title: 'Image upload', body: '', publish: 'draft', action: 'image', imageAlt: `Image ${marker}` }, { field: 'image', name: 'i.png', type: 'image/png', data: png })
    assert.equal(res.statusCode, 200, `image ${marker}: ${res.statusCode}`)
    const id = captured(/\/images\/([A-Za-z0-9_-]{16,})/, res.body, 'image id')
    return { id, markdown: `![Image ${marker}](/images/${id})` }
  }
  function imageOf(p: Fixture, img: { id: string }, marker: string): Fixture {
    return add({ kind: 'image', label: `image in the ${p.label}`, marker, words: [marker], ids: [img.id], params: { id: img.id }, facts: { space: p.facts.space, within: [p] } })
  }
  const unattached = await image(c.host, 'zqimunax')
  add({ kind: 'image', label: 'image not yet in a post', marker: 'zqimunax', words: ['zqimunax'], ids: [unattached.id], params: { id: unattached.id }, facts: { authors: ['host'], unpublished: true } })

  const tagged = {} as Record<Vis | 'site', Fixture[]>
  for (const vis of VISIBILITIES) {
    // In each community, and on the public project's page (its timeline shows what the reader may read).
    const img = await image(c.host, `zqim${VIS_CODE[vis]}x`)
    const p = await post(c.host, `zqpo${VIS_CODE[vis]}x`, `post in the ${vis} community`, ['host'], { tags: TAG[vis], community: community[vis].spaceId, project: pp.slug, body: `Post body zqpo${VIS_CODE[vis]}x.\n\n${img.markdown}` }, { space: vis })
    imageOf(p, img, `zqim${VIS_CODE[vis]}x`)
    p.shownOn = [`/projects/${pp.slug}`, `/communities/${community[vis].slug}`]
    tagged[vis] = [p]
  }
  const siteImage = await image(c.orgadmin, 'zqimsitx')
  const site = await post(c.orgadmin, 'zqpositex', 'public post', ['orgadmin'], { tags: TAG.site, project: pp.slug, organisation: op.slug, body: `Post body zqpositex.\n\n${siteImage.markdown}` })
  imageOf(site, siteImage, 'zqimsitx')
  site.shownOn = [`/projects/${pp.slug}`, `/organisations/${op.slug}`, '/posts']
  const future = new Date(Date.now() + 365 * 86400_000).toISOString().slice(0, 16)
  const draftImage = await image(c.orgadmin, 'zqimdrax')
  const draft = await post(c.orgadmin, 'zqpodrax', 'draft post', ['orgadmin'], { tags: TAG.site, publish: 'draft', body: `Post body zqpodrax.\n\n${draftImage.markdown}` }, { unpublished: true })
  imageOf(draft, draftImage, 'zqimdrax')
  const scheduled = await post(c.orgadmin, 'zqposchx', 'scheduled post', ['orgadmin'], { tags: TAG.site, publish: 'schedule', publishAt: future }, { unpublished: true })
  const hiddenImage = await image(c.orgadmin, 'zqimhidx')
  const hiddenPost = await post(c.orgadmin, 'zqpohidx', 'hidden post', ['orgadmin'], { tags: TAG.site, body: `Post body zqpohidx.\n\n${hiddenImage.markdown}` })
  imageOf(hiddenPost, hiddenImage, 'zqimhidx')
  tagged.site = [site, draft, scheduled, hiddenPost]
  // Hidden by a moderator, then rescheduled by its author (below): its moderators still read it, nobody else does.
  const hiddenScheduled = await post(c.orgadmin, 'zqposhdx', 'hidden scheduled post', ['orgadmin'], {})
  // Public posts labelled with an organisation and a project a moderator hides below: the labels go, the posts stay.
  await post(c.orgadmin, 'zqpoorgx', 'post from the hidden organisation', ['orgadmin'], { organisation: oh.slug })
  await post(c.requester, 'zqpoprjx', 'post about the hidden project', ['requester'], { project: ph.slug })
  // People's own posts stay reachable by link (and their "posts by" pages), listed or not.
  ;(await post(browsers.listed, 'zqpolisx', 'post by the listed person', [], {})).shownOn = [profile('listed')]
  ;(await post(browsers.unlisted, 'zqpounlx', 'post by the unlisted person', ['unlistedself'], {})).shownOn = [profile('unlisted')]

  for (const [key, list] of Object.entries(tagged)) {
    add({ kind: 'tag', label: `tag ${TAG[key as Vis]}`, marker: list[0]!.marker, words: [], ids: [], params: { tag: TAG[key as Vis] }, ref: TAG[key as Vis], path: `/tags/${TAG[key as Vis]}`, facts: { within: list } })
  }

  // Comments on the public post: one stays, one a moderator hides.
  async function comment(by: ActorName, on: Fixture, marker: string, label: string): Promise<Fixture> {
    const url = redirected(await c[by].submit(`/posts/${on.params.slug}`, { comment: `Comment ${marker}` }, `/posts/${on.params.slug}/comments`), label)
    const id = captured(/#comment-([^&?]+)$/, url, 'comment id')
    return add({ kind: 'comment', label, marker, words: [marker], ids: [], params: {}, report: { type: 'comment', id }, shownOn: [`/posts/${on.params.slug}`], facts: { authors: [by], within: [on] } })
  }
  await comment('stranger', site, 'zqcovisx', 'comment')
  const hiddenComment = await comment('member', site, 'zqcohidx', 'hidden comment')
  // A comment goes out of reach with its post when a moderator hides the post.
  await comment('stranger', hiddenPost, 'zqcoonhx', 'comment on the hidden post')

  // ---------------------------------------------------------------- discussions and the library, in each community
  for (const vis of VISIBILITIES) {
    const { slug } = community[vis]
    const v = VIS_CODE[vis]
    async function thread(marker: string, label: string, hidden: boolean): Promise<Fixture> {
      const id = captured(/\/threads\/([^/?#]+)/, redirected(await c.host.submit(`/communities/${slug}/threads/new`, { title: `Thread ${marker}`, body: `Opening words ${marker}.` }), label), 'thread id')
      return add({ kind: 'thread', label, marker, words: [marker], ids: [id], params: { slug, id }, report: { type: 'thread', id }, path: `/communities/${slug}/threads/${id}`, search: { type: 'thread', words: [marker] }, facts: { space: vis, authors: ['host'], hidden } })
    }
    async function reply(on: Fixture, marker: string, label: string, hidden: boolean, mention = ''): Promise<Fixture> {
      const url = redirected(await c.member.submit(`/communities/${slug}/threads/${on.params.id}`, { body: `A reply ${marker}${mention}.` }), label)
      const id = captured(/\/replies\/([^/?#]+)/, url, 'reply id')
      const f = add({ kind: 'reply', label, marker, words: [marker], ids: [id], params: { slug, id: on.params.id!, replyId: id }, report: { type: 'reply', id }, search: { type: 'reply', words: [marker, on.marker] }, facts: { space: vis, authors: ['member'], hidden, within: [on] } })
      if (!hidden) f.shownOn = [`/communities/${slug}/threads/${on.params.id}`]
      return f
    }
    async function document(marker: string, label: string, hidden: boolean): Promise<Fixture> {
      const form = await c.host.get(`/communities/${slug}/library/upload`)
      const boundary = `----openlyleak${marker}`
      const part = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`
      const payload = Buffer.concat([
        Buffer.from(part('_csrf', csrfTokenIn(form.body) ?? '') + part('title', `Document ${marker}`) + part('description', `Minutes ${marker}`)),
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="minutes-${marker}.pdf"\r\nContent-Type: application/pdf\r\n\r\n`),
        pdfWith(marker),
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ])
      const cookie = [...c.host.cookies].map(([k, val]) => `${k}=${val}`).join('; ')
      redirected(await t.app.inject({ method: 'POST', url: `/communities/${slug}/library/upload`, payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, cookie } }), label)
      const id = captured(new RegExp(`/communities/${slug}/documents/([^/"]+)/download"[^>]*>[^<]*${marker}`), (await c.host.get(`/communities/${slug}/library`)).body, 'document id')
      return add({ kind: 'document', label, marker, words: [marker], ids: [id], params: { slug, id }, report: { type: 'document', id }, shownOn: hidden ? [] : [`/communities/${slug}/library`], facts: { space: vis, authors: ['host'], hidden } })
    }
    const visible = await thread(`zqth${v}x`, `thread in the ${vis} community`, false)
    // Mentions of people who may not read the community: they must not learn of it.
    const answered = await reply(visible, `zqrp${v}x`, `reply in the ${vis} community`, false, ' for @leak-stranger and @leak-removed and @leak-banned')
    const hiddenReply = await reply(visible, `zqrph${v.slice(0, 2)}x`, `hidden reply in the ${vis} community`, true)
    const hiddenThread = await thread(`zqthh${v.slice(0, 2)}x`, `hidden thread in the ${vis} community`, true)
    await reply(hiddenThread, `zqrpt${v.slice(0, 2)}x`, `reply of the hidden thread in the ${vis} community`, false)
    await document(`zqdc${v}x`, `document in the ${vis} community`, false)
    const hiddenDocument = await document(`zqdch${v.slice(0, 2)}x`, `hidden document in the ${vis} community`, true)
    for (const f of [hiddenThread, hiddenReply, hiddenDocument]) await hideByReport('moderator', f.report!.type, f.report!.id, vis, f)
    // An open report stays in the queue of the community's moderators (and the platform admins').
    redirected(await c.host.submit(`/report?type=reply&id=${answered.report!.id}`, { type: 'reply', id: answered.report!.id, reason: `Check ${answered.marker}` }, '/report'), `report ${answered.label}`)
    const open = await t.db.selectFrom('reports').select('id').where('subject_id', '=', answered.report!.id).executeTakeFirstOrThrow()
    add({ kind: 'report', label: `open report on ${answered.label}`, marker: answered.marker, words: [], ids: [], params: { id: open.id }, facts: { space: vis, report: { subject: answered, open: true } } })
  }

  // ---------------------------------------------------------------- charters: drafted in the open, signed, piloted
  // Site content: a platform admin starts it; members propose amendments and comment; organisations sign through
  // their admins; people sign named or not (an unnamed signature is its signer's alone); a hidden organisation's
  // signature and badge go with it.
  const chMarker = 'zqchpubx'
  const chSlug = captured(/^\/charters\/([^/?]+)/, redirected(await c.admin.submit('/charters/new', { title: `Charter ${chMarker}`, introduction: `Why ${chMarker}.`, sections: '## Open by default\nWe work in the open.\n\n## Share\nWe share what we make.' }), 'start a charter'), 'charter slug')
  const charterId = (await t.db.selectFrom('charters').select('id').where('slug', '=', chSlug).executeTakeFirstOrThrow()).id
  add({ kind: 'charter', label: 'published charter', marker: chMarker, words: [chMarker], ids: [], params: { slug: chSlug, number: '1' }, path: `/charters/${chSlug}`, search: { type: 'charter', words: [chMarker] }, facts: {} })
  const sectionId = captured(/<section class="openly-charter-section" id="section-([^"]+)"/, (await c.anonymous.get(`/charters/${chSlug}`)).body, 'charter section id')
  async function amendment(by: ActorName, marker: string, label: string): Promise<Fixture> {
    const url = redirected(await c[by].submit(`/charters/${chSlug}/amendments/new`, { kind: 'change', section: sectionId, heading: '', body: `We work in the open, ${marker}.`, reason: `Because ${marker}.` }), label)
    const number = captured(/\/amendments\/(\d+)/, url, 'amendment number')
    const id = (await t.db.selectFrom('charter_amendments').select('id').where('charter_id', '=', charterId).where('number', '=', Number(number)).executeTakeFirstOrThrow()).id
    // Its search document's title names the charter.
    return add({ kind: 'amendment', label, marker, words: [marker], ids: [id], params: { slug: chSlug, number }, report: { type: 'amendment', id }, search: { type: 'amendment', words: [marker, chMarker] }, facts: { authors: [by] } })
  }
  async function amendmentComment(by: ActorName, on: Fixture, marker: string, label: string): Promise<Fixture> {
    const page = `/charters/${chSlug}/amendments/${on.params.number}`
    const id = captured(/#comment-([^&?]+)$/, redirected(await c[by].submit(page, { comment: `Comment ${marker}` }, `${page}/comments`), label), 'amendment comment id')
    return add({ kind: 'amendmentComment', label, marker, words: [marker], ids: [], params: {}, report: { type: 'amendmentComment', id }, shownOn: [page], facts: { authors: [by], within: [on] } })
  }
  const openAmendment = await amendment('stranger', 'zqampubx', 'open amendment')
  const hiddenAmendment = await amendment('member', 'zqamhidx', 'hidden amendment')
  await amendmentComment('stranger', openAmendment, 'zqacvisx', 'comment on an amendment')
  const hiddenAmendmentComment = await amendmentComment('member', openAmendment, 'zqachidx', 'hidden comment on an amendment')
  // A comment goes out of reach with its amendment when a moderator hides the amendment.
  await amendmentComment('stranger', hiddenAmendment, 'zqaconhx', 'comment on the hidden amendment')
  redirected(await c.admin.submit(`/charters/${chSlug}/manage`, {}, `/charters/${chSlug}/publish`), 'publish the charter')
  async function signature(by: ActorName, signatory: string, marker: string, label: string, facts: Fixture['facts'], showName = 'yes'): Promise<Fixture> {
    const url = redirected(await c[by].submit(`/charters/${chSlug}/sign`, { signatory, show_name: showName, commitment: `We will ${marker}.`, version: '1' }), label)
    const id = captured(/\/signatures\/([^/?]+)/, url, 'signature id')
    return add({ kind: 'signature', label, marker, words: [marker], ids: facts.unpublished || facts.within ? [id] : [], params: { slug: chSlug, id }, facts })
  }
  await signature('orgadmin', op.id, 'zqsgorgx', 'organisation signature', { authors: ['orgadmin'] })
  await signature('orgadmin', oh.id, 'zqsgohdx', 'signature of the hidden organisation', { authors: ['orgadmin'], within: [orgHidden] })
  await signature('stranger', 'person', 'zqsgnamx', 'named personal signature', { authors: ['stranger'] })
  // Not named in the register: counted, shown only to its signer (like a draft to its author).
  await signature('member', 'person', 'zqsgunnx', 'unnamed personal signature', { authors: ['member'], unpublished: true }, 'no')
  // Badges show the charter's title (its marker) and the organisation's status.
  add({ kind: 'badge', label: 'badge of a signatory organisation', marker: chMarker, words: [], ids: [], params: { slug: chSlug, organisation: op.slug }, facts: {} })
  add({ kind: 'badge', label: 'badge of the hidden organisation', marker: chMarker, words: [], ids: [], params: { slug: chSlug, organisation: oh.slug }, facts: { within: [orgHidden] } })
  redirected(await c.orgadmin.submit(`/charters/${chSlug}/pilots/new`, { organisation: op.id, contact: '', goals: 'Goals zqplpubx.' }), 'volunteer as a pilot')
  add({ kind: 'pilot', label: 'pilot', marker: 'zqplpubx', words: ['zqplpubx'], ids: [], params: { slug: chSlug, organisation: op.slug }, shownOn: [`/charters/${chSlug}`, `/charters/${chSlug}/pilots`], facts: {} })
  // ---------------------------------------------------------------- the barriers and solutions wiki (test/access/barriers.fixtures.ts)
  await buildBarriers({ t, c, add, redirected, hideByReport, organisations: { public: { id: op.id, fixture: orgPublic }, hidden: { id: oh.id } }, projects: { public: pp.slug, hidden: ph.slug }, sectionId, chSlug })
  // ---------------------------------------------------------------- events (test/access/events.fixtures.ts)
  await buildEvents({ t, c, add, community, redirected, hideByReport })
  // ---------------------------------------------------------------- practical actions and the reading list (test/access/reading.fixtures.ts)
  await buildReading({ t, c, add, redirected, hideByReport, hiddenProjectId: ph.id, fixtures, membersSpaceId: community.members.spaceId })
  // ---------------------------------------------------------------- unsubscribe links (test/access/mail.fixtures.ts)
  buildUnsubscribeLinks({ t, add, userId: userIds.member! })
  // ---------------------------------------------------------------- proposed edits and still-active links (test/access/directory.fixtures.ts)
  const crowd = await buildDirectoryCrowd({ t, c, add, redirected, organisation: { fixture: orgPublic, ...op }, hiddenOrganisation: { fixture: orgHidden, ...oh }, project: { fixture: projectPublic, ...pp }, orgAdminId: userIds.orgadmin! })
  // ---------------------------------------------------------------- challenges (test/access/challenges.fixtures.ts)
  await buildChallenges({ t, c, add, community, organisationId: op.id, redirected, hideByReport })

  // ---------------------------------------------------------------- what moderators hide on the rest of the site
  for (const f of [hiddenPost, hiddenScheduled, hiddenComment, orgHidden, projectHidden, hiddenAmendment, hiddenAmendmentComment]) {
    f.facts.hidden = true
    await hideByReport('admin', f.report!.type, f.report!.id, undefined, f)
  }
  const scheduledFields = { title: 'Post zqposhdx', summary: 'Summary zqposhdx', body: 'Post body zqposhdx.', learned: '', tags: '', publish: 'schedule', publishAt: future }
  redirected(await c.orgadmin.submit(`/posts/${hiddenScheduled.params.slug}/edit`, scheduledFields), 'reschedule the hidden post')
  Object.assign(hiddenScheduled.facts, { unpublished: true, scheduled: true })
  // Profiles: hidden through the moderation flow once accounts registers people for it; until then its use case.
  if (moderatable.has('person')) await hideByReport('admin', 'person', userIds.hidden!, undefined, people.hidden)
  else await setPersonHidden(db, userIds.hidden!, true)
  people.hidden.facts.person!.hidden = true
  // Suspension: through the admins' page, with a reason.
  const handle = people.suspended.marker
  redirected(await c.admin.submit(`/admin/suspension?person=${handle}`, { person: handle, suspend: 'yes', reason: 'Leak matrix' }, '/admin/suspension'), 'suspend a person')
  people.suspended.facts.person!.suspended = true
  // Those use cases ran outside a request: empty the page cache as any write through the app does.
  t.app.pageCache.invalidate()
  // ---------------------------------------------------------------- follows, timelines and digests (test/access/follows.fixtures.ts)
  await buildFollows({ t, c, userIds, communities: VISIBILITIES.map((v) => community[v].spaceId), projects: [pp.id, ph.id], organisations: [op.id, oh.id], tags: Object.values(TAG), challenges: fixtures.filter((f) => f.kind === 'challenge').flatMap((f) => f.ids) })

  const relations: Relation[] = [
    {
      label: 'a proposed lead organisation on the project page',
      word: orgNamed.marker,
      about: [projectNaming],
      lists: ['/projects', '/api/v1/projects'],
      mayShow: ['requester', 'orgadmin'],
      shownTo: { url: `/projects/${pr.slug}`, actors: ['requester', 'orgadmin'] },
    },
    {
      label: 'a project naming the organisation, on the organisation’s pages',
      word: projectNaming.marker,
      about: [orgNamed],
      lists: [],
      mayShow: ['requester', 'orgadmin'],
      shownTo: { url: `/organisations/${or.slug}/project-requests`, actors: ['orgadmin'] },
    },
    {
      label: 'a person asking to be listed as a member, on the organisation’s pages',
      word: people.unlisted.marker,
      about: [orgNamed],
      lists: [],
      // Platform admins manage every organisation's members too.
      mayShow: ['unlistedself', 'orgadmin', 'admin', 'grantadmin'],
      shownTo: { url: `/organisations/${or.slug}/members`, actors: ['orgadmin'] },
    },
    {
      label: 'an organisation a person asked to be listed in, on their profile',
      word: orgNamed.marker,
      about: [people.unlisted],
      lists: [],
      mayShow: ['unlistedself', 'orgadmin', 'admin', 'grantadmin'],
      shownTo: { url: `/people/${people.unlisted.marker}`, actors: [] },
    },
    ...crowd,
  ]
  const ids: Partial<Record<ActorName, string>> = { ...userIds, unlistedself: userIds.unlisted, hiddenself: userIds.hidden, suspendedself: userIds.suspended }
  return { fixtures, relations, clients, emails, userIds: ids }
}
