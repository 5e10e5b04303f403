import { fileURLToPath } from 'node:url'
import type { AppModule } from '../../core/module.ts'
import { migration as create } from './migrations/20261123T111000_projects_create.ts'
import { migration as organisationRequests } from './migrations/20261130T090300_projects_organisation_requests.ts'
import { migration as country } from './migrations/20261130T240100_projects_country.ts'
import { migration as revisions } from './migrations/20261130T240200_projects_create_revisions.ts'
import { migration as freshness } from './migrations/20261130T260200_projects_freshness.ts'
import { migration as directoryCounts } from './migrations/20261130T270100_projects_create_directory_counts.ts'
import { migration as city } from './migrations/20261130T320100_projects_city.ts'
import { can } from '../../core/access/can.ts'
import { findProjectById, listProjects, projectsOfOrganisation, publicProjectPaths } from './projects.queries.ts'
import { projectsByIds, projectsOfPerson, setProjectHidden } from './projects.ts'
import { projectPolicy } from './projects.policy.ts'
import { seedProjects } from './projects.seed.ts'
import { projectApi } from './routes.api.ts'
import { PHASE_CLASSES, projectPages } from './routes.pages.ts'
import { moveOrganisationLinks } from './merge.queries.ts'

const ORGANISATION_PANEL_LIMIT = 20

/** Projects: public pages about work done in the open, with their organisations, team and links. */
export const projectsModule: AppModule = {
  id: 'projects',
  // Projects naming a merged duplicate organisation name the one that stays (core/merge.ts).
  onMerge: { organisation: moveOrganisationLinks },
  dependsOn: ['accounts', 'notifications', 'organisations'],
  views: fileURLToPath(new URL('./views', import.meta.url)),
  migrations: { '20261123T111000_projects_create': create, '20261130T090300_projects_organisation_requests': organisationRequests, '20261130T240100_projects_country': country, '20261130T240200_projects_create_revisions': revisions, '20261130T260200_projects_freshness': freshness, '20261130T270100_projects_create_directory_counts': directoryCounts, '20261130T320100_projects_city': city },
  pages: projectPages,
  api: projectApi,
  // Projects are found through the directory (its navigation item), which lists them with organisations.
  nav: [],
  panels: {
    // The organisation page lists the projects it leads or partners in.
    organisation: async (request, { id, slug }) => {
      const db = request.server.db
      const rows = await projectsOfOrganisation(db, request.actor, id, ORGANISATION_PANEL_LIMIT + 1)
      // Its admins also see how many projects wait for them to confirm naming the organisation.
      const waiting = request.user && (await can(db, request.actor, 'speakFor', 'organisation', { id })) ? (await projectsOfOrganisation(db, request.actor, id, 100, 'proposed')).length : 0
      return request.server.views.render('projects/_organisation_panel.njk', {
        projects: rows.slice(0, ORGANISATION_PANEL_LIMIT),
        more: rows.length > ORGANISATION_PANEL_LIMIT,
        slug,
        waiting,
        phaseClasses: PHASE_CLASSES,
      })
    },
    home: async (request) => {
      const projects = await listProjects(request.server.db, request.actor, {}, null, 6)
      return request.server.views.render('projects/_home.njk', { projects: projects.slice(0, 6), phaseClasses: PHASE_CLASSES })
    },
    person: async (request, { id }) => {
      const projects = await projectsOfPerson(request.server.db, request.actor, id)
      if (projects.length === 0) return ''
      return request.server.views.render('projects/_person_panel.njk', { projects })
    },
  },
  sitemap: [{ name: 'projects', urls: async (db) => (await publicProjectPaths(db)).map((p) => ({ path: `/projects/${p.slug}`, updated: p.updated_at })) }],
  moderation: {
    project: {
      label: 'project',
      async load(db, id) {
        const p = await findProjectById(db, id)
        return p ? { spaceId: p.space_id, authorId: p.created_by, title: p.name, url: `/projects/${p.slug}`, hiddenAt: p.hidden_at, resource: p } : null
      },
      setHidden: setProjectHidden,
    },
  },
  policies: [projectPolicy],
  searchTypes: [{ type: 'project', label: 'Projects' }],
  seed: seedProjects,
  followables: {
    project: { label: 'project', load: async (db, actor, ids) => new Map([...(await projectsByIds(db, actor, ids)).values()].map((p) => [p.id, { title: p.name, url: `/projects/${p.slug}` }])) },
  },
}
