import type { Executor } from '../../core/db/database.ts'

/** One practical action: a small step someone took, in one line. */
export interface PracticalActionsTable {
  id: string
  author_id: string
  /** One line, plain text. */
  text: string
  /** An optional link to what was done ('' when none). */
  url: string
  /** A project the author is on, or null. */
  project_id: string | null
  /** Null (site content), or the community of the project it names: it then follows that community's visibility. */
  space_id: string | null
  hidden_at: string | null
  /** When readers could first see it, and followers hear of it: null while it waits for approval (or is a draft); set once (decision 0038). */
  shown_at: string | null
  created_at: string
}

export interface ActionsTables {
  practical_actions: PracticalActionsTable
}

/** The executor the actions module works through: its own table only. */
export type ActionsDb = Executor<ActionsTables>
