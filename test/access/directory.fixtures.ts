/**
 * The leak matrix's crowd-sourced directory (decision 0024): proposed edits, shown only to the entry's managers and
 * their author, in each state (waiting on an organisation, rejected, waiting on a project); and the one-click "still
 * active" links of nudges, whose signed token is the credential (a forged one, or one for an entry a moderator hid
 * since, is a 404 for everyone).
 */
import type { LightMyRequestResponse } from 'fastify'
import type { TestApp } from '../support/app.ts'
import type { TestClient } from '../support/client.ts'
import { stillActiveToken } from '../../src/modules/directory/still-active.ts'
import type { ActorName, Fixture, Relation } from './oracle.ts'

interface Entry {
  fixture: Fixture
  slug: string
  id: string
}

export async function buildDirectoryCrowd({ t, c, add, redirected, organisation, hiddenOrganisation, project, orgAdminId }: {
  t: TestApp
  c: Record<ActorName, TestClient>
  add: (f: Fixture) => Fixture
  redirected: (res: LightMyRequestResponse, what: string) => string
  organisation: Entry
  hiddenOrganisation: Entry
  project: Entry
  orgAdminId: string
}): Promise<Relation[]> {
  const orgFields = { name: `Organisation ${organisation.fixture.marker}`, type: 'local government', country: 'GB', region: '', website: '', identifier: '', description: `About ${organisation.fixture.marker}.`, themes: '' }
  const propose = async (by: ActorName, word: string) => {
    const form = (await c[by].get(`/organisations/${organisation.slug}/propose`)).body
    const revision = /name="revision" value="(\d+)"/.exec(form)?.[1] ?? '0'
    redirected(await c[by].submit(`/organisations/${organisation.slug}/propose`, { ...orgFields, description: `${orgFields.description} ${word}`, note: `Because ${word}`, revision }), `propose ${word}`)
  }
  await propose('stranger', 'Proposedorgedit')
  await propose('member', 'Rejectedorgedit')
  const history = (await c.orgadmin.get(`/organisations/${organisation.slug}/history`)).body
  const section = history.split('<section class="openly-revision').find((part) => part.includes('Rejectedorgedit')) ?? ''
  const target = /\/revisions\/([^/]+)\/decide/.exec(section)?.[1] ?? 'missing'
  redirected(await c.orgadmin.submit(`/organisations/${organisation.slug}/history`, { decision: 'reject' }, `/organisations/${organisation.slug}/revisions/${target}/decide`), 'reject a proposed edit')

  const projectForm = (await c.stranger.get(`/projects/${project.slug}/propose`)).body
  const projectRevision = /name="revision" value="(\d+)"/.exec(projectForm)?.[1] ?? '0'
  redirected(await c.stranger.submit(`/projects/${project.slug}/propose`, { name: `Project ${project.fixture.marker}`, summary: `Summary ${project.fixture.marker}.`, phase: 'beta', problem: 'Proposedprojectedit', audience: '', looking_for: '', themes: '', technologies: '', note: '', revision: projectRevision }), 'propose an edit to a project')

  // One-click "still active" links, as nudges send them to a manager.
  const expires = Date.now() + 86_400_000
  const link = (kind: 'organisation' | 'project', entry: Entry, label: string, facts: Fixture['facts'], secret = t.config.sessionSecret) =>
    add({ kind: 'still_active', label, marker: entry.fixture.marker, words: [], ids: [], params: { token: stillActiveToken(secret, { kind, id: entry.id, userId: orgAdminId, expires }) }, facts })
  link('organisation', organisation, 'still-active link of an organisation', {})
  link('project', project, 'still-active link of a project', {})
  link('organisation', hiddenOrganisation, 'still-active link of the hidden organisation', { within: [hiddenOrganisation.fixture] })
  link('organisation', organisation, 'forged still-active link', { forged: true }, 'not the secret')

  return [
    {
      label: 'an edit proposed to an organisation, waiting for its admins',
      word: 'Proposedorgedit',
      about: [organisation.fixture],
      lists: ['/organisations', '/directory'],
      // Platform admins manage every organisation.
      mayShow: ['stranger', 'orgadmin', 'admin', 'grantadmin'],
      shownTo: { url: `/organisations/${organisation.slug}/history`, actors: ['stranger', 'orgadmin', 'admin', 'grantadmin'] },
    },
    {
      label: 'a rejected edit proposed to an organisation',
      word: 'Rejectedorgedit',
      about: [organisation.fixture],
      lists: ['/organisations', '/directory'],
      mayShow: ['member', 'orgadmin', 'admin', 'grantadmin'],
      shownTo: { url: `/organisations/${organisation.slug}/history`, actors: ['member', 'orgadmin'] },
    },
    {
      label: 'an edit proposed to a project, waiting for its team',
      word: 'Proposedprojectedit',
      about: [project.fixture],
      lists: ['/projects', '/directory'],
      // Its team, admins of its lead organisation, platform admins, and the author.
      mayShow: ['stranger', 'orgadmin', 'host', 'unlistedself', 'hiddenself', 'admin', 'grantadmin'],
      shownTo: { url: `/projects/${project.slug}/history`, actors: ['stranger', 'orgadmin', 'host'] },
    },
  ]
}
