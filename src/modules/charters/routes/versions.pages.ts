import type { FastifyPluginAsync } from 'fastify'
import { parseInput } from '../../../core/http/forms.ts'
import { compareSchema } from '../charters.schemas.ts'
import { paragraphsOf } from '../../../core/text/diff.ts'
import { compareVersions, versionNumber, versionsPage, versionText } from '../versions.ts'
import { charterCrumbs, loadCharter, type Params, type Query } from './page-helpers.ts'
import { notFound } from '../../../core/errors.ts'

/** Versions: the list, one version's full text (citable), and a word-level comparison of any two. */
export const versionPages: FastifyPluginAsync = async (app) => {
  app.get('/charters/:slug/versions', { config: { serves: 'page', cache: true, cacheQuery: ['before'], shows: 'charter' } }, async (request, reply) => {
    const charter = await loadCharter(request)
    const before = versionNumber((request.query as Query).before)
    const page = await versionsPage(app.db, charter, before)
    return reply.render('charters/versions.njk', {
      title: `Versions of ${charter.title}`,
      breadcrumbs: charterCrumbs(charter),
      charter,
      versions: page.items,
      next: page.next ? `/charters/${charter.slug}/versions?before=${page.next}` : null,
      first: before ? `/charters/${charter.slug}/versions` : null,
    })
  })

  app.get('/charters/:slug/versions/:number', { config: { serves: 'page', cache: true, cacheQuery: [], shows: 'charter' } }, async (request, reply) => {
    const charter = await loadCharter(request)
    const number = versionNumber((request.params as Params).number)
    if (number === null) throw notFound('Version')
    const { version, sections } = await versionText(app.db, charter, number)
    return reply.render('charters/version.njk', {
      title: `${version.title}, version ${version.number}`,
      breadcrumbs: [...charterCrumbs(charter), { text: 'Versions', href: `/charters/${charter.slug}/versions` }],
      charter,
      version,
      introduction: paragraphsOf(version.introduction),
      sections,
      latest: number === charter.current_version,
      canonicalUrl: `${app.config.baseUrl}/charters/${charter.slug}/versions/${number}`,
    })
  })

  app.get('/charters/:slug/compare', { config: { serves: 'page', cache: true, cacheQuery: ['from', 'to', 'view'], shows: 'charter' } }, async (request, reply) => {
    const charter = await loadCharter(request)
    const parsed = parseInput(compareSchema, request.query)
    const current = charter.current_version
    const values = parsed.ok ? parsed.value : { from: '', to: '', view: '' }
    // By default: the latest change (the previous version against the current one).
    const to = values.to ? versionNumber(values.to) : current
    const from = values.from ? versionNumber(values.from) : Math.max(1, (to ?? current) - 1)
    const base = {
      title: `Compare versions of ${charter.title}`,
      breadcrumbs: [...charterCrumbs(charter), { text: 'Versions', href: `/charters/${charter.slug}/versions` }],
      charter,
      view: values.view === 'side' ? 'side' : 'inline',
    }
    const errors: Record<string, string> = {}
    if (from === null || from > current) errors.from = `Enter a version from 1 to ${current}`
    if (to === null || to > current) errors.to = `Enter a version from 1 to ${current}`
    if (Object.keys(errors).length) return reply.code(400).render('charters/compare.njk', { ...base, errors, values: { from: values.from, to: values.to } })
    const comparison = await compareVersions(app.db, charter, from!, to!)
    return reply.render('charters/compare.njk', { ...base, values: { from: String(from), to: String(to) }, comparison, same: from === to })
  })
}
