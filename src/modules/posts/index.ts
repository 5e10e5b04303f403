import { fileURLToPath } from 'node:url'
import type { FastifyRequest } from 'fastify'
import type { AppModule } from '../../core/module.ts'
import { migration as create } from './migrations/20261123T140000_posts_create.ts'
import { migration as createImages } from './migrations/20261130T170400_posts_create_images.ts'
import { migration as createSources } from './migrations/20261130T230200_posts_create_sources.ts'
import { migration as tagDates } from './migrations/20261130T280100_posts_tag_dates.ts'
import { migration as shownAt } from './migrations/20261130T430000_posts_shown_at.ts'
import { postsPages } from './routes.pages.ts'
import { postsApi } from './routes.api.ts'
import { publicPostKeyAfter, publicPostPaths, publicTagPaths } from './posts.queries.ts'
import { listPosts, type ListOptions } from './posts.ts'
import { commentModeration, postModeration } from './posts.moderation.ts'
import { commentPolicy, postPolicy } from './posts.policy.ts'
import { seedPosts } from './posts.seed.ts'
import { postActivity, tagFollowable } from './posts.follows.ts'
import { moveOrganisationPosts, moveProjectPosts } from './merge.queries.ts'

/** A timeline of the latest 10 posts the reader may see, for another module's page. */
function timeline(filter: (id: string) => ListOptions, heading: string, links: (slug: string) => { moreHref: string | null; moreContext?: string; feedHref: string }) {
  return async (request: FastifyRequest, subject: { id: string; slug: string }) => {
    const { items } = await listPosts(request.server.db, request.actor, { ...filter(subject.id), limit: 10 })
    return request.server.views.render('posts/_timeline.njk', { heading, posts: items, ...links(subject.slug) })
  }
}

export const postsModule: AppModule = {
  id: 'posts',
  // Rows naming a merged duplicate organisation or project move to the entry that stays (core/merge.ts).
  onMerge: { organisation: moveOrganisationPosts, project: moveProjectPosts },
  dependsOn: ['accounts', 'organisations', 'projects', 'notifications'],
  views: fileURLToPath(new URL('./views', import.meta.url)),
  migrations: { '20261123T140000_posts_create': create, '20261130T170400_posts_create_images': createImages, '20261130T230200_posts_create_sources': createSources, '20261130T280100_posts_tag_dates': tagDates, '20261130T430000_posts_shown_at': shownAt },
  pages: postsPages,
  api: postsApi,
  nav: [{ href: '/posts', text: 'Posts' }],
  panels: {
    project: timeline((id) => ({ projectId: id }), 'Posts and weeknotes', (slug) => ({ moreHref: `/posts?project=${encodeURIComponent(slug)}`, moreContext: 'of this project', feedHref: `/projects/${slug}/feed` })),
    organisation: timeline((id) => ({ organisationId: id }), 'Posts and weeknotes', (slug) => ({ moreHref: `/posts?organisation=${encodeURIComponent(slug)}`, moreContext: 'of this organisation', feedHref: `/organisations/${slug}/feed` })),
    person: timeline((id) => ({ authorId: id }), 'Posts', (slug) => ({ moreHref: `/posts?author=${encodeURIComponent(slug)}`, moreContext: 'by this person', feedHref: `/people/${slug}/feed` })),
    home: async (request) => {
      const { items } = await listPosts(request.server.db, request.actor, { limit: 5 })
      return request.server.views.render('posts/_home.njk', { posts: items })
    },
    community: timeline((id) => ({ spaceId: id }), 'Posts and weeknotes', (slug) => ({ moreHref: null, feedHref: `/communities/${slug}/feed` })),
  },
  sitemap: [
    { name: 'posts', urls: publicPostPaths, keyAfter: publicPostKeyAfter },
    { name: 'tags', urls: publicTagPaths },
  ],
  moderation: { post: postModeration, comment: commentModeration },
  policies: [postPolicy, commentPolicy],
  searchTypes: [{ type: 'post', label: 'Posts' }],
  seed: seedPosts,
  followables: { tag: tagFollowable },
  activitySources: { post: postActivity },
}
