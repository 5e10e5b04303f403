import type { Executor } from '../../core/db/database.ts'

/** One link on the reading list, with a summary in the words of the member who added it. */
export interface ReadingItemsTable {
  id: string
  slug: string
  url: string
  title: string
  /** Plain text, a few sentences. */
  summary: string
  added_by: string
  /** Always null: the reading list is site content. */
  space_id: string | null
  hidden_at: string | null
  /** When readers could first see it, and followers hear of it: null while it waits for approval (or is a draft); set once (decision 0038). */
  shown_at: string | null
  created_at: string
  updated_at: string
}

export interface ReadingItemTagsTable {
  item_id: string
  tag: string
  created_at: string
}

export interface ReadingTables {
  reading_items: ReadingItemsTable
  reading_item_tags: ReadingItemTagsTable
}

/** The executor the reading module works through: its own tables only. */
export type ReadingDb = Executor<ReadingTables>
