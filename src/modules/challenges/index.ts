import { fileURLToPath } from 'node:url'
import type { AppModule } from '../../core/module.ts'
import { migration as create } from './migrations/20261130T190100_challenges_create.ts'
import { challengesPages } from './routes.pages.ts'
import { challengesApi } from './routes.api.ts'
import { challengePolicy, ideaCommentPolicy, ideaPolicy } from './challenges.policy.ts'
import { challengeModeration, ideaCommentModeration, ideaModeration } from './challenges.moderation.ts'
import { communityPanel, homePanel, organisationPanel, projectPanel } from './challenges.panels.ts'
import { publicChallengePaths } from './challenges.queries.ts'
import { publicIdeaPaths } from './ideas.queries.ts'
import { seedChallenges } from './challenges.seed.ts'
import { moveIdeaProjects } from './merge.queries.ts'
import { challengeActivity, challengeFollowable, ideaActivity } from './challenges.follows.ts'
import { migration as ideasCreated } from './migrations/20261130T350200_challenges_ideas_created.ts'
import { migration as ideasShownAt } from './migrations/20261130T430000_challenges_ideas_shown_at.ts'

/** Challenges: a problem put to everyone, ideas gathered, voted and reviewed, winners announced, a winner made a project. */
export const challengesModule: AppModule = {
  id: 'challenges',
  // Rows naming a merged duplicate organisation or project move to the entry that stays (core/merge.ts).
  onMerge: { project: moveIdeaProjects },
  dependsOn: ['accounts', 'notifications', 'organisations', 'projects', 'communities'],
  views: fileURLToPath(new URL('./views', import.meta.url)),
  migrations: { '20261130T190100_challenges_create': create, '20261130T350200_challenges_ideas_created': ideasCreated, '20261130T430000_challenges_ideas_shown_at': ideasShownAt },
  pages: challengesPages,
  api: challengesApi,
  nav: [{ href: '/challenges', text: 'Challenges' }],
  // Followers of an organisation or community hear of the challenges it puts, followers of a challenge of the ideas
  // sent to it (the follows module's timeline, digests and fan-out).
  followables: { challenge: challengeFollowable },
  activitySources: { challenge: challengeActivity, challenge_idea: ideaActivity },
  panels: { home: homePanel, project: projectPanel, community: communityPanel, organisation: organisationPanel },
  sitemap: [
    {
      name: 'challenges',
      urls: async (db) => {
        const [challenges, ideas] = await Promise.all([publicChallengePaths(db), publicIdeaPaths(db)])
        return [{ path: '/challenges' }, ...challenges, ...ideas.map((i) => ({ path: `/challenges/${i.slug}/ideas/${i.id}`, updated: i.updated_at }))]
      },
    },
  ],
  moderation: { challenge: challengeModeration, challenge_idea: ideaModeration, challenge_comment: ideaCommentModeration },
  policies: [challengePolicy, ideaPolicy, ideaCommentPolicy],
  searchTypes: [
    { type: 'challenge', label: 'Challenges' },
    { type: 'challenge_idea', label: 'Challenge ideas' },
  ],
  seed: seedChallenges,
}
