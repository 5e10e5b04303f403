/**
 * The leak matrix's wiki: a barrier and a solution anyone may read, and one of each a moderator hid, linked
 * to each other; the barrier endorsed by people and by a public and a hidden organisation and linked to the
 * charter's section; the solutions linked to the public project (shown in its panel) and the hidden one.
 * All through the forms and the moderation flow, as people make them.
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
  organisations: { public: { id: string; fixture: Fixture }; hidden: { id: string } }
  projects: { public: string; hidden: string }
  sectionId: string
  chSlug: string
}

export async function buildBarriers({ t, c, add, redirected, hideByReport, organisations, projects, sectionId, chSlug }: Deps): Promise<Fixture[]> {
  async function page(kind: 'barrier' | 'solution', by: ActorName, marker: string, label: string, hidden: boolean): Promise<Fixture> {
    const url = redirected(await c[by].submit(`/${kind}s/new`, { title: `${kind === 'barrier' ? 'Barrier' : 'Solution'} ${marker}`, body: `Text ${marker}.`, themes: 'leakcheck', summary: '' }), `write the ${label}`)
    const slug = new RegExp(`^/${kind}s/([^/?]+)`).exec(url)![1]!
    const id = (await t.db.selectFrom('wiki_entries').select('id').where('kind', '=', kind).where('slug', '=', slug).executeTakeFirstOrThrow()).id
    return add({ kind, label, marker, words: [marker], ids: [id], params: { slug, number: '1' }, ref: slug, report: { type: kind, id }, path: `/${kind}s/${slug}`, search: { type: kind, words: [marker] }, facts: { authors: [by], hidden } })
  }
  const barrier = await page('barrier', 'stranger', 'zqbapubx', 'barrier', false)
  const hiddenBarrier = await page('barrier', 'member', 'zqbahidx', 'hidden barrier', true)
  // Written by a member of the public project's team (who alone may link it to the project).
  const solution = await page('solution', 'host', 'zqsopubx', 'solution', false)
  const hiddenSolution = await page('solution', 'host', 'zqsohidx', 'hidden solution', true)

  // A second revision, by someone else: the history and revision pages show both.
  const edit = `/barriers/${barrier.params.slug}/edit`
  const form = (await c.member.get(edit)).body
  const base = /name="base_revision" value="(\d+)"/.exec(form)![1]!
  redirected(await c.member.submit(edit, { title: `Barrier ${barrier.marker}`, body: `Text ${barrier.marker}, revised.`, themes: 'leakcheck', summary: 'Revised', base_revision: base }), 'edit the barrier')

  const links = (f: Fixture) => `/${f.kind}s/${f.params.slug}/links`
  for (const s of [solution, hiddenSolution]) redirected(await c.stranger.submit(links(barrier), { solution: s.params.slug! }, `${links(barrier)}/solution`), `link the ${s.label}`)
  redirected(await c.member.submit(links(hiddenBarrier), { solution: solution.params.slug! }, `${links(hiddenBarrier)}/solution`), 'link the hidden barrier')
  for (const b of [barrier, hiddenBarrier]) redirected(await c[b === barrier ? 'stranger' : 'member'].submit(links(b), { section: sectionId }, `${links(b)}/section`), `link the ${b.label} to a charter section`)
  for (const s of [solution, hiddenSolution]) redirected(await c.host.submit(links(s), { project: projects.public }, `${links(s)}/project`), `link the ${s.label} to the public project`)
  redirected(await c.requester.submit(links(solution), { project: projects.hidden }, `${links(solution)}/project`), 'link the solution to the project a moderator hides')

  // Endorsements: a person, and the organisations' admin for the public one and the one a moderator hides.
  const endorse = (f: Fixture) => `/${f.kind}s/${f.params.slug}/endorse`
  redirected(await c.member.submit(endorse(barrier), { endorser: 'person', note: 'Same here' }), 'endorse the barrier')
  for (const org of [organisations.public.id, organisations.hidden.id]) redirected(await c.orgadmin.submit(endorse(barrier), { endorser: org, note: '' }), 'endorse as an organisation')
  redirected(await c.orgadmin.submit(endorse(solution), { endorser: organisations.public.id, note: '' }), 'endorse the solution as an organisation')

  // Where each shows besides its own pages, to whoever may see both.
  solution.shownOn = [`/barriers/${barrier.params.slug}`, `/projects/${projects.public}`, '/solutions', '/api/v1/solutions']
  barrier.shownOn = [`/solutions/${solution.params.slug}`, '/barriers', '/api/v1/barriers', `/barriers/${barrier.params.slug}/history`, `/charters/${chSlug}`]
  organisations.public.fixture.shownOn = [...(organisations.public.fixture.shownOn ?? []), `/barriers/${barrier.params.slug}`]

  for (const f of [hiddenBarrier, hiddenSolution]) await hideByReport('admin', f.kind, f.report!.id, undefined, f)
  return [barrier, hiddenBarrier, solution, hiddenSolution]
}
