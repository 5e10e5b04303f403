/**
 * The leak matrix's challenges: one stated by each community (ideas from a member, a private review note from
 * the host), one by a public organisation (an idea, its review note, a comment, a hidden comment and a hidden
 * idea), and one the organisation states that a moderator hides (with an idea in it). All through the forms, as
 * organisers and members make them; hidden through the moderation flow.
 */
import type { LightMyRequestResponse } from 'fastify'
import type { TestApp } from '../support/app.ts'
import type { TestClient } from '../support/client.ts'
import { challengeFields } from '../support/challenges.ts'
import { VISIBILITIES, type ActorName, type Fixture, type Vis } from './oracle.ts'

const VIS_CODE: Record<Vis, string> = { public: 'pub', signed_in: 'sig', members: 'mem' }

interface Deps {
  t: TestApp
  c: Record<ActorName, TestClient>
  add: (f: Fixture) => Fixture
  community: Record<Vis, { slug: string; spaceId: string }>
  organisationId: string
  redirected: (res: LightMyRequestResponse, what: string) => string
  hideByReport: (moderator: ActorName, type: string, id: string, space: Vis | undefined, subject: Fixture) => Promise<void>
}

export async function buildChallenges({ t, c, add, community, organisationId, redirected, hideByReport }: Deps): Promise<void> {
  async function challenge(o: { by: ActorName; code: string; label: string; organiser: string; space?: Vis; managers: ActorName[] }) {
    const marker = `zqcg${o.code}x`
    const url = redirected(await c[o.by].submit('/challenges/new', challengeFields(o.organiser, 'ideas', { title: `Challenge ${marker}`, summary: `Summary ${marker}.`, problem: `Problem ${marker}.`, themes: '' })), `state the ${o.label}`)
    const slug = /^\/challenges\/([^/?#]+)/.exec(url)![1]!
    const id = (await t.db.selectFrom('challenges').select('id').where('slug', '=', slug).executeTakeFirstOrThrow()).id
    const fixture = add({ kind: 'challenge', label: o.label, marker, words: [marker], ids: [id], params: { slug }, report: { type: 'challenge', id }, path: `/challenges/${slug}`, search: { type: 'challenge', words: [marker] }, facts: { space: o.space, authors: [o.by], managers: o.managers } })
    return { fixture, slug }
  }
  async function idea(on: { fixture: Fixture; slug: string }, by: ActorName, code: string, label: string) {
    const marker = `zqci${code}x`
    const url = redirected(await c[by].submit(`/challenges/${on.slug}/ideas/new`, { title: `Idea ${marker}`, body: `Body ${marker}.`, coauthors: '', attachment_url: '' }), `submit the ${label}`)
    const id = /\/ideas\/([^/?#]+)/.exec(url)![1]!
    // An idea's search document names its challenge.
    return add({ kind: 'challenge_idea', label, marker, words: [marker], ids: [id], params: { slug: on.slug, id }, report: { type: 'challenge_idea', id }, path: `/challenges/${on.slug}/ideas/${id}`, search: { type: 'challenge_idea', words: [marker, on.fixture.marker] }, shownOn: [`/challenges/${on.slug}`], facts: { space: on.fixture.facts.space, authors: [by], within: [on.fixture] } })
  }
  async function review(on: Fixture, by: ActorName, code: string, label: string) {
    const marker = `zqcr${code}x`
    const page = `/challenges/${on.params.slug}/ideas/${on.params.id}`
    redirected(await c[by].submit(page, { score: '4', note: `Review ${marker}` }, `${page}/review`), `write the ${label}`)
    const challenge = on.facts.within![0]!
    add({ kind: 'challenge_review', label, marker, words: [marker], ids: [], params: {}, shownOn: [page], facts: { space: on.facts.space, managers: challenge.facts.managers, within: [on] } })
  }
  async function comment(on: Fixture, by: ActorName, code: string, label: string) {
    const marker = `zqcc${code}x`
    const page = `/challenges/${on.params.slug}/ideas/${on.params.id}`
    const url = redirected(await c[by].submit(page, { comment: `Comment ${marker}` }, `${page}/comments`), `write the ${label}`)
    const id = /#comment-(.+)$/.exec(url)![1]!
    return add({ kind: 'challenge_comment', label, marker, words: [marker], ids: [], params: {}, report: { type: 'challenge_comment', id }, shownOn: [page], facts: { space: on.facts.space, authors: [by], within: [on] } })
  }

  for (const vis of VISIBILITIES) {
    const code = VIS_CODE[vis]
    const ch = await challenge({ by: 'host', code, label: `challenge in the ${vis} community`, organiser: `community:${community[vis].spaceId}`, space: vis, managers: [] })
    const i = await idea(ch, 'member', code, `idea in the ${vis} community`)
    await review(i, 'host', code, `review note in the ${vis} community`)
  }
  const org = await challenge({ by: 'orgadmin', code: 'org', label: 'organisation challenge', organiser: `organisation:${organisationId}`, managers: ['orgadmin'] })
  const orgIdea = await idea(org, 'stranger', 'org', 'idea in the organisation challenge')
  await review(orgIdea, 'orgadmin', 'org', 'review note in the organisation challenge')
  await comment(orgIdea, 'member', 'org', 'comment on an idea')
  const hiddenComment = await comment(orgIdea, 'member', 'hid', 'hidden comment on an idea')
  const hiddenIdea = await idea(org, 'member', 'hid', 'hidden idea')
  const hidden = await challenge({ by: 'orgadmin', code: 'hid', label: 'hidden challenge', organiser: `organisation:${organisationId}`, managers: ['orgadmin'] })
  await idea(hidden, 'stranger', 'onh', 'idea in the hidden challenge')
  for (const f of [hiddenComment, hiddenIdea, hidden.fixture]) {
    f.facts.hidden = true
    await hideByReport('admin', f.report!.type, f.report!.id, undefined, f)
  }
}
