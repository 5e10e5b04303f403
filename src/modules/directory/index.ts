import { fileURLToPath } from 'node:url'
import type { AppModule } from '../../core/module.ts'
import { directoryPages } from './routes.pages.ts'
import { nudgePages } from './nudges.pages.ts'
import { nudgeList, planNudges, sendNudge } from './nudges.ts'
import { migration as nudgeOptOuts } from './migrations/20261130T260300_directory_create_nudge_optouts.ts'
import { seedDirectory } from './directory.seed.ts'
import { peopleOnSimilarWork, similarProjects, visibleProjectById } from '../projects/projects.ts'

/**
 * The directory: organisations and projects together, filtered with counts per value, on a map and as
 * open data. It owns no entry tables: it reads organisations and projects through their modules' use cases; its
 * one table holds who stopped its "is this still live?" e-mails (nudges.ts).
 */
export const directoryModule: AppModule = {
  id: 'directory',
  dependsOn: ['accounts', 'organisations', 'projects'],
  views: fileURLToPath(new URL('./views', import.meta.url)),
  migrations: { '20261130T260300_directory_create_nudge_optouts': nudgeOptOuts },
  pages: async (app) => {
    await app.register(directoryPages)
    await app.register(nudgePages)
  },
  jobs: [planNudges, sendNudge],
  mailLists: [nudgeList],
  seed: seedDirectory,
  nav: [{ href: '/directory', text: 'Directory' }],
  panels: {
    // Every project's page: projects working on similar challenges elsewhere, and why.
    project: async (request, { id }) => {
      const project = await visibleProjectById(request.server.db, request.actor, id)
      const matches = project ? await similarProjects(request.server.db, request.actor, project) : []
      return matches.length ? request.server.views.render('directory/_similar.njk', { matches }) : ''
    },
    // A person's page: people with a public profile on the teams of projects similar to theirs.
    person: async (request, { id }) => {
      const people = await peopleOnSimilarWork(request.server.db, request.actor, id)
      return people.length ? request.server.views.render('directory/_similar_people.njk', { people }) : ''
    },
  },
}
