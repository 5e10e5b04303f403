/**
 * The leak matrix's practical actions and reading list: a member's practical action and reading-list link,
 * each also in a state a moderator hid, and the requester's action naming the project that will be hidden
 * (the action stays; the project's name must leave it with the project), and a member's registered blog feed.
 * All through the forms.
 */
import type { LightMyRequestResponse } from 'fastify'
import type { TestApp } from '../support/app.ts'
import type { TestClient } from '../support/client.ts'
import type { ActorName, Fixture, Vis } from './oracle.ts'

interface Deps {
  t: TestApp
  c: Record<ActorName, TestClient>
  add: (f: Fixture) => Fixture
  redirected: (res: LightMyRequestResponse, what: string) => string
  hideByReport: (moderator: ActorName, type: string, id: string, space: Vis | undefined, subject: Fixture) => Promise<void>
  /** The project the requester created, which a moderator hides later. */
  hiddenProjectId: string
  /** Every fixture so far (the digests pick from them). */
  fixtures: Fixture[]
  /** The members-only community's space: a project there, and a practical action naming it, live in it. */
  membersSpaceId: string
}

export async function buildReading({ t, c, add, redirected, hideByReport, hiddenProjectId, fixtures, membersSpaceId }: Deps): Promise<void> {
  async function action(by: ActorName, marker: string, label: string, project = ''): Promise<Fixture> {
    redirected(await c[by].submit('/actions', { text: `Action ${marker}`, url: '', project }), `log ${label}`)
    const id = (await t.db.selectFrom('practical_actions').select('id').where('text', '=', `Action ${marker}`).executeTakeFirstOrThrow()).id
    return add({ kind: 'practical_action', label, marker, words: [marker], ids: [id], params: {}, report: { type: 'practical_action', id }, shownOn: ['/actions'], facts: { authors: [by] } })
  }
  async function link(by: ActorName, marker: string, label: string): Promise<Fixture> {
    const url = redirected(await c[by].submit('/reading/new', { url: `https://example.org/${marker}`, title: `Reading ${marker}`, summary: `Summary ${marker}.`, tags: '' }), `add ${label}`)
    const slug = /^\/reading\/([^/?#]+)/.exec(url)![1]!
    const id = (await t.db.selectFrom('reading_items').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id
    return add({ kind: 'reading_item', label, marker, words: [marker], ids: [id], params: { slug }, report: { type: 'reading_item', id }, path: `/reading/${slug}`, search: { type: 'reading_item', words: [marker] }, shownOn: ['/reading', '/reading/feed.atom'], facts: { authors: [by] } })
  }

  await action('member', 'zqpapubx', 'practical action')
  await action('requester', 'zqpaprjx', 'practical action on the project to be hidden', hiddenProjectId)
  const hiddenAction = await action('member', 'zqpahidx', 'hidden practical action')
  // The host's project in the members-only community (moved there in the table: no form makes one yet), and the
  // host's action naming it: it lives in the community, so no one else reads it — not on /actions, the host's
  // profile, the API, nor in the timelines and digests of the readers who follow the host.
  const made = redirected(await c.host.submit('/projects/new', { name: 'Members room project', summary: 'A community’s own project.', phase: 'alpha', problem: '', audience: '', looking_for: '', themes: '', places: '', technologies: '', lead_organisation: '', partner_organisations: '', links: '', team: '' }), 'create the community’s project')
  const roomProject = (await t.db.selectFrom('projects').select('id').where('slug', '=', /^\/projects\/([^/?#]+)/.exec(made)![1]!).executeTakeFirstOrThrow()).id
  await t.db.updateTable('projects').set({ space_id: membersSpaceId }).where('id', '=', roomProject).execute()
  const roomAction = await action('host', 'zqpamemx', 'practical action on the members-only community’s project', roomProject)
  roomAction.facts.space = 'members'
  await link('member', 'zqrlpubx', 'reading-list link')
  const hiddenLink = await link('member', 'zqrlhidx', 'hidden reading-list link')
  // A registered blog feed: its page is its owner's alone (not even admins manage someone's feeds).
  const feedMarker = 'zqsfmemx'
  const feedUrl = redirected(await c.member.submit('/syndication', { url: `https://feeds.example/${feedMarker}.atom`, project: '', auto_import: 'true' }), 'register a blog feed')
  const feedId = /^\/syndication\/([^/?#]+)/.exec(feedUrl)![1]!
  add({ kind: 'syndicated_feed', label: 'registered blog feed', marker: feedMarker, words: [feedMarker], ids: [feedId], params: { id: feedId }, shownOn: ['/syndication'], facts: { authors: ['member'], managers: ['member'] } })
  // Digests: the host, made an editor by the admin, publishes one picking the public link and a post of the
  // members-only community (each reader sees only the picks they may see), and keeps another as a draft.
  redirected(await c.admin.submit('/admin/digest-editors', { handle: 'leak-host', editor: 'yes' }), 'make the host a digest editor')
  const publicLink = fixtures.find((f) => f.marker === 'zqrlpubx')!
  const privatePost = await t.db
    .selectFrom('posts')
    .innerJoin('spaces', 'spaces.id', 'posts.space_id')
    .select('posts.id')
    .where('spaces.visibility', '=', 'members')
    .where('posts.hidden_at', 'is', null)
    .where('posts.status', '=', 'published')
    .executeTakeFirstOrThrow()
  async function digest(marker: string, label: string, publish: boolean): Promise<Fixture> {
    const url = redirected(await c.host.submit('/digests/new', { title: `Digest ${marker}`, intro: `Intro ${marker}.`, reading: [publicLink.ids[0]!], posts: [privatePost.id] }), `compose the ${label}`)
    const slug = /^\/digests\/([^/?#]+)/.exec(url)![1]!
    if (publish) redirected(await c.host.submit(`/digests/${slug}`, {}, `/digests/${slug}/publish`), `publish the ${label}`)
    return add({ kind: 'digest', label, marker, words: [marker], ids: [], params: { slug }, path: `/digests/${slug}`, shownOn: publish ? ['/digests', '/digests/feed.atom'] : [], facts: { authors: ['host'], unpublished: !publish } })
  }
  await digest('zqdgpubx', 'published digest', true)
  await digest('zqdgdrfx', 'draft digest', false)
  for (const f of [hiddenAction, hiddenLink]) {
    f.facts.hidden = true
    f.shownOn = []
    await hideByReport('admin', f.report!.type, f.report!.id, undefined, f)
  }
}
