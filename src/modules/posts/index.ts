import { fileURLToPath } from 'node:url'
import type { FastifyRequest } from 'fastify'
import type { AppModule } from '../../core/module.ts'
import { migration as create } from './migrations/20261123T140000_posts_create.ts'
import { postsPages } from './routes.pages.ts'
import { postsApi } from './routes.api.ts'
import { findCommentWithPost, findPostById, publicPaths } from './posts.queries.ts'
import { listPosts, setCommentHidden, setPostHidden, type ListOptions } from './posts.ts'
import { commentPolicy, postPolicy } from './posts.policy.ts'
import { seedPosts } from './posts.seed.ts'

/** A timeline of the latest 10 posts the reader may see, for another module's page. */
function timeline(filter: (id: string) => ListOptions, heading: string, links: (slug: string) => { moreHref: string | null; feedHref: string }) {
  return async (request: FastifyRequest, subject: { id: string; slug: string }) => {
    const { items } = await listPosts(request.server.db, request.actor, { ...filter(subject.id), limit: 10 })
    return request.server.views.render('posts/_timeline.njk', { heading, posts: items, ...links(subject.slug) })
  }
}

export const postsModule: AppModule = {
  id: 'posts',
  dependsOn: ['accounts', 'organisations', 'projects', 'notifications'],
  views: fileURLToPath(new URL('./views', import.meta.url)),
  migrations: { '20261123T140000_posts_create': create },
  pages: postsPages,
  api: postsApi,
  nav: [{ href: '/posts', text: 'Posts' }],
  panels: {
    project: timeline((id) => ({ projectId: id }), 'Posts and weeknotes', (slug) => ({ moreHref: `/posts?project=${encodeURIComponent(slug)}`, feedHref: `/projects/${slug}/feed` })),
    organisation: timeline((id) => ({ organisationId: id }), 'Posts and weeknotes', (slug) => ({ moreHref: `/posts?organisation=${encodeURIComponent(slug)}`, feedHref: `/organisations/${slug}/feed` })),
    person: timeline((id) => ({ authorId: id }), 'Posts', (slug) => ({ moreHref: `/posts?author=${encodeURIComponent(slug)}`, feedHref: `/people/${slug}/feed` })),
    home: async (request) => {
      const { items } = await listPosts(request.server.db, request.actor, { limit: 5 })
      return request.server.views.render('posts/_home.njk', { posts: items })
    },
    community: timeline((id) => ({ spaceId: id }), 'Posts and weeknotes', (slug) => ({ moreHref: null, feedHref: `/communities/${slug}/feed` })),
  },
  sitemap: publicPaths,
  moderation: {
    post: {
      label: 'post',
      async load(db, id) {
        const post = await findPostById(db, id)
        if (!post) return null
        return { spaceId: post.space_id, authorId: post.author_id, title: post.title, url: `/posts/${post.slug}`, hiddenAt: post.hidden_at, visibleFrom: post.status === 'published' ? post.published_at : null }
      },
      setHidden: setPostHidden,
    },
    comment: {
      label: 'comment',
      async load(db, id) {
        const row = await findCommentWithPost(db, id)
        if (!row) return null
        return {
          spaceId: row.space_id,
          authorId: row.author_id,
          title: `Comment on “${row.title}”: ${row.body.slice(0, 80)}`,
          url: `/posts/${row.slug}#comment-${row.id}`,
          hiddenAt: row.hidden_at,
          visibleFrom: row.status === 'published' ? row.published_at : null,
          within: { spaceId: row.space_id, authorId: row.post_author_id, hiddenAt: row.post_hidden_at, visibleFrom: row.status === 'published' ? row.published_at : null },
        }
      },
      setHidden: setCommentHidden,
    },
  },
  policies: [postPolicy, commentPolicy],
  searchTypes: [{ type: 'post', label: 'Posts' }],
  seed: seedPosts,
}
