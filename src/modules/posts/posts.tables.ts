import type { Executor } from '../../core/db/database.ts'

/** A post or weeknote. `published_at` in the future means scheduled; null while a draft. */
export interface PostsTable {
  id: string
  slug: string
  title: string
  /** Markdown source. */
  body: string
  /** Rendered and sanitised at save. */
  body_html: string
  /** The author's own summary ('' when none). */
  summary: string
  /** The summary, or the first words of the body: what lists and feeds show. */
  excerpt: string
  /** "What we learned" ('' when none). */
  learned: string
  status: 'draft' | 'published'
  published_at: string | null
  /** The primary author (also in post_authors at position 0). */
  author_id: string
  project_id: string | null
  organisation_id: string | null
  /** A community's space: the post then follows the space's visibility. */
  space_id: string | null
  series_id: string | null
  series_number: number | null
  hidden_at: string | null
  /** When readers could first see it, and followers hear of it: null while it waits for approval (or is a draft); set once (decision 0038). */
  shown_at: string | null
  created_at: string
  updated_at: string
}

/** Everyone credited on a post, the primary author at position 0. */
export interface PostAuthorsTable {
  post_id: string
  user_id: string
  position: number
}

export interface PostTagsTable {
  post_id: string
  /** Lowercase, hyphenated. */
  tag: string
  /** The post's `published_at` while it is published (null for a draft): a tag's posts by date read by index. */
  published_at: string | null
}

/** A named run of posts ("Weeknotes"), owned by the person who started it. */
export interface SeriesTable {
  id: string
  slug: string
  title: string
  owner_id: string
  created_at: string
}

export interface CommentsTable {
  id: string
  post_id: string
  author_id: string
  body: string
  body_html: string
  hidden_at: string | null
  created_at: string
}

/** An image uploaded for a post: resized, stored under DATA_DIR/uploads; `post_id` once a saved post uses it. */
export interface PostImagesTable {
  id: string
  /** Who uploaded it (only they see it until a post using it is saved). */
  user_id: string
  post_id: string | null
  storage_key: string
  mime_type: string
  width: number
  height: number
  size_bytes: number
  /** Required: what the image shows, for people who cannot see it. */
  alt: string
  created_at: string
}

/** Tables owned by the posts module. */
/** A syndicated post's origin: shown as "originally published at", and its page's canonical link. */
export interface PostSourcesTable {
  post_id: string
  canonical_url: string
  /** The blog's name. */
  source_name: string
  /** The author named by the feed ('' when it names none). */
  original_author: string
}

export interface PostsTables {
  post_sources: PostSourcesTable
  posts: PostsTable
  post_authors: PostAuthorsTable
  post_tags: PostTagsTable
  series: SeriesTable
  comments: CommentsTable
  post_images: PostImagesTable
}

/** The executor the posts module works through: its own tables only. */
export type PostsDb = Executor<PostsTables>
