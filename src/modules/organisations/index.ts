import { fileURLToPath } from 'node:url'
import type { AppModule } from '../../core/module.ts'
import { migration as create } from './migrations/20261123T110000_organisations_create.ts'
import { migration as memberRequests } from './migrations/20261130T090500_organisations_create_member_requests.ts'
import { migration as cleanPlaces } from './migrations/20261130T240000_organisations_clean_places.ts'
import { migration as websiteChecks } from './migrations/20261130T240300_organisations_website_checks.ts'
import { migration as revisions } from './migrations/20261130T260100_organisations_create_revisions.ts'
import { migration as directoryCounts } from './migrations/20261130T270000_organisations_create_directory_counts.ts'
import { migration as vocabulary } from './migrations/20261130T270200_organisations_create_vocabulary.ts'
import { migration as regionCode } from './migrations/20261130T270300_organisations_region_code.ts'
import { migration as city } from './migrations/20261130T320000_organisations_city.ts'
import { checkWebsites } from './website-checks.ts'
import { findOrganisationById, publicOrganisationPaths } from './organisations.queries.ts'
import { directorySummary, organisationsByIds, organisationsOfPerson, setOrganisationHidden } from './organisations.ts'
import { organisationPolicy, vocabularyPolicy } from './organisations.policy.ts'
import { seedOrganisations } from './organisations.seed.ts'
import { organisationApi } from './routes.api.ts'
import { organisationPages } from './routes.pages.ts'

/** The organisations directory: profiles, members, themes. */
export const organisationsModule: AppModule = {
  id: 'organisations',
  dependsOn: ['accounts', 'notifications'],
  views: fileURLToPath(new URL('./views', import.meta.url)),
  migrations: { '20261123T110000_organisations_create': create, '20261130T090500_organisations_create_member_requests': memberRequests, '20261130T240000_organisations_clean_places': cleanPlaces, '20261130T240300_organisations_website_checks': websiteChecks, '20261130T260100_organisations_create_revisions': revisions, '20261130T270000_organisations_create_directory_counts': directoryCounts, '20261130T270200_organisations_create_vocabulary': vocabulary, '20261130T270300_organisations_region_code': regionCode, '20261130T320000_organisations_city': city },
  jobs: [checkWebsites],
  pages: organisationPages,
  api: organisationApi,
  // Organisations are found through the directory (its navigation item), which lists them with projects.
  nav: [],
  panels: {
    home: async (request) => {
      const { organisations, total, countries } = await directorySummary(request.server.db, request.actor, 5)
      return request.server.views.render('organisations/_home.njk', { organisations, total, countries })
    },
    // A person's profile lists the organisations they belong to (membership is public, like the org page).
    person: async (request, { id }) => {
      const organisations = await organisationsOfPerson(request.server.db, request.actor, id)
      if (organisations.length === 0) return ''
      return request.server.views.render('organisations/_person_panel.njk', { organisations })
    },
  },
  sitemap: [{ name: 'organisations', urls: async (db) => (await publicOrganisationPaths(db)).map((o) => ({ path: `/organisations/${o.slug}`, updated: o.updated_at })) }],
  moderation: {
    organisation: {
      label: 'organisation',
      async load(db, id) {
        const o = await findOrganisationById(db, id)
        return o ? { spaceId: o.space_id, authorId: o.created_by, title: o.name, url: `/organisations/${o.slug}`, hiddenAt: o.hidden_at, resource: o } : null
      },
      setHidden: setOrganisationHidden,
    },
  },
  policies: [organisationPolicy, vocabularyPolicy],
  searchTypes: [{ type: 'organisation', label: 'Organisations' }],
  seed: seedOrganisations,
  followables: {
    organisation: { label: 'organisation', load: async (db, actor, ids) => new Map([...(await organisationsByIds(db, actor, ids)).values()].map((o) => [o.id, { title: o.name, url: `/organisations/${o.slug}` }])) },
  },
}
