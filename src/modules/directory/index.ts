import { fileURLToPath } from 'node:url'
import type { AppModule } from '../../core/module.ts'
import { directoryPages } from './routes.pages.ts'
import { seedDirectory } from './directory.seed.ts'
import { peopleOnSimilarWork, similarProjects, visibleProjectById } from '../projects/projects.ts'

/**
 * The directory: organisations and projects together, filtered with counts per value, on a map and as
 * open data. It owns no tables: it reads organisations and projects through their modules' use cases.
 */
export const directoryModule: AppModule = {
  id: 'directory',
  dependsOn: ['accounts', 'organisations', 'projects'],
  views: fileURLToPath(new URL('./views', import.meta.url)),
  migrations: {},
  pages: directoryPages,
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
