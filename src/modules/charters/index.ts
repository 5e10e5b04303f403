import { fileURLToPath } from 'node:url'
import type { FastifyRequest } from 'fastify'
import type { AppModule } from '../../core/module.ts'
import { migration as create } from './migrations/20261130T150000_charters_create.ts'
import { amendmentCommentModeration, amendmentModeration } from './charters.moderation.ts'
import { amendmentCommentPolicy, amendmentPolicy, charterPolicy, chartersPolicy, pilotPolicy, signaturePolicy } from './charters.policy.ts'
import { publicCharterPaths, visibleChartersByIds } from './charters.queries.ts'
import { listCharters, STATUS_LABELS } from './charters.ts'
import { openCountsOf } from './amendments.queries.ts'
import { pilotChartersOf } from './pilots.queries.ts'
import { activeCountsOf, signaturesOfOrganisation, signaturesOfPerson } from './signatures.queries.ts'
import { seedCharters } from './charters.seed.ts'
import { chartersApi } from './routes.api.ts'
import { chartersPages } from './routes.pages.ts'
import { STATUS_CLASSES } from './routes/charters.pages.ts'
import type { SignatureRow } from './signatures.queries.ts'
import { moveOrganisationCharters } from './merge.queries.ts'

/** Signatures on another module's page (an organisation's, a person's), with their charters, newest first. */
async function signaturePanel(request: FastifyRequest, signatures: SignatureRow[], extra: Record<string, unknown>): Promise<string> {
  if (signatures.length === 0) return ''
  const charters = await visibleChartersByIds(request.server.db, request.actor, signatures.map((s) => s.charter_id))
  const items = signatures.flatMap((s) => {
    const charter = charters.get(s.charter_id)
    return charter ? [{ ...s, charter, current: s.version_confirmed >= charter.current_version }] : []
  })
  if (items.length === 0) return ''
  return request.server.views.render('charters/_signatures_panel.njk', { items, ...extra })
}

/** Charters: drafted in the open with amendments and votes, versioned and compared, signed, with a register, badges and pilots. */
export const chartersModule: AppModule = {
  id: 'charters',
  // Rows naming a merged duplicate organisation or project move to the entry that stays (core/merge.ts).
  onMerge: { organisation: moveOrganisationCharters },
  dependsOn: ['accounts', 'notifications', 'organisations', 'posts'],
  views: fileURLToPath(new URL('./views', import.meta.url)),
  migrations: { '20261130T150000_charters_create': create },
  pages: chartersPages,
  api: chartersApi,
  nav: [{ href: '/charters', text: 'Charters' }],
  panels: {
    // The front page: the charters in drafting or open for signatures, with their figures.
    home: async (request) => {
      const db = request.server.db
      const charters = (await listCharters(db, request.actor, null, 10)).filter((c) => c.status !== 'closed').slice(0, 3)
      const ids = charters.map((c) => c.id)
      const [signatures, open] = await Promise.all([activeCountsOf(db, ids), openCountsOf(db, ids)])
      const items = charters.map((c) => ({ ...c, statusLabel: STATUS_LABELS[c.status], statusClass: STATUS_CLASSES[c.status], signatures: signatures.get(c.id), open: open.get(c.id) ?? 0 }))
      return request.server.views.render('charters/_home.njk', { items })
    },
    organisation: async (request, { id, slug }) => {
      const db = request.server.db
      const [signatures, pilots] = await Promise.all([signaturesOfOrganisation(db, id), pilotChartersOf(db, id)])
      return signaturePanel(request, signatures, { heading: 'Charters', pilots, organisationSlug: slug })
    },
    person: async (request, { id }) => {
      // Only the signatures the person chose to show by name (their own page shows nothing more to others).
      return signaturePanel(request, await signaturesOfPerson(request.server.db, id, false), { heading: 'Charters signed', pilots: [] })
    },
  },
  sitemap: [
    {
      name: 'charters',
      urls: async (db) => [
        { path: '/charters' },
        ...(await publicCharterPaths(db)).flatMap((c) => [{ path: `/charters/${c.slug}`, updated: c.updated_at }, { path: `/charters/${c.slug}/signatories` }, { path: `/charters/${c.slug}/amendments` }]),
      ],
    },
  ],
  moderation: { amendment: amendmentModeration, amendmentComment: amendmentCommentModeration },
  policies: [chartersPolicy, charterPolicy, amendmentPolicy, amendmentCommentPolicy, signaturePolicy, pilotPolicy],
  searchTypes: [
    { type: 'charter', label: 'Charters' },
    { type: 'amendment', label: 'Charter amendments' },
  ],
  seed: seedCharters,
}
