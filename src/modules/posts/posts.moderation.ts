import type { ModeratableType } from '../../core/module.ts'
import { findCommentWithPost, findPostById } from './posts.queries.ts'
import { postFacts, setCommentHidden, setPostHidden } from './posts.ts'

/** Posts, for the moderation module: hiding also takes the post out of search and feeds. */
export const postModeration: ModeratableType<'post'> = {
  label: 'post',
  async load(db, id) {
    const post = await findPostById(db, id)
    if (!post) return null
    return { spaceId: post.space_id, authorId: post.author_id, title: post.title, url: `/posts/${post.slug}`, hiddenAt: post.hidden_at, resource: await postFacts(db, post) }
  },
  setHidden: setPostHidden,
}

/** Comments, for the moderation module. A comment is seen where its post is: a hidden post hides its comments too. */
export const commentModeration: ModeratableType<'comment'> = {
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
      resource: {
        spaceId: row.space_id,
        authorIds: [row.author_id],
        hiddenAt: row.hidden_at,
        post: { spaceId: row.space_id, authorIds: [row.post_author_id], visibleFrom: row.status === 'published' ? row.published_at : null, hiddenAt: row.post_hidden_at },
      },
    }
  },
  setHidden: setCommentHidden,
}
