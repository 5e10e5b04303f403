import type { Executor } from '../../core/db/database.ts'
import type { SharedCoreTables } from '../../core/access/access.tables.ts'

/** How people join a community. */
export type JoinPolicy = 'open' | 'request' | 'invite'

/** A community of practice. Its id is the id of its space (core `spaces`), which holds visibility and membership. */
export interface CommunitiesTable {
  id: string
  slug: string
  name: string
  description: string
  /** Comma-separated short list of themes. */
  themes: string
  join_policy: JoinPolicy
  created_by: string
  created_at: string
  updated_at: string
  /** Latest thread, reply or document: orders the community list. */
  last_activity_at: string
}

/** A discussion thread in a community. */
export interface ThreadsTable {
  id: string
  space_id: string
  title: string
  body: string
  body_html: string
  author_id: string
  pinned: number
  locked: number
  hidden_at: string | null
  /** When readers could first see it, and followers hear of it: null while it waits for approval (or is a draft); set once (decision 0038). */
  shown_at: string | null
  /** Replies ever posted; also the last position handed out (positions are never reused). */
  reply_count: number
  last_activity_at: string
  edited_at: string | null
  created_at: string
  /** One-time form key: a double-submitted form finds the thread it already made. */
  submission_id: string | null
}

/** A reply to a thread; `position` (1, 2, 3 …) is the keyset for paging a long thread. */
export interface RepliesTable {
  id: string
  thread_id: string
  space_id: string
  body: string
  body_html: string
  author_id: string
  quote_reply_id: string | null
  hidden_at: string | null
  edited_at: string | null
  created_at: string
  position: number
  submission_id: string | null
}

/** Earlier versions of edited threads and replies (kept history). */
export interface RevisionsTable {
  id: string
  subject_type: 'thread' | 'reply'
  subject_id: string
  /** The thread title before the edit (threads only). */
  title: string | null
  body: string
  edited_by: string
  created_at: string
}

/** A file or a link in a community's library. */
export interface DocumentsTable {
  id: string
  space_id: string
  kind: 'file' | 'link'
  title: string
  description: string
  url: string | null
  file_name: string | null
  mime_type: string | null
  size_bytes: number | null
  /** File name under dataDir/uploads (random, never user input). */
  storage_key: string | null
  author_id: string
  hidden_at: string | null
  created_at: string
}

/** An invitation by handle (user_id) or by e-mail (email + token). */
export interface InvitationsTable {
  id: string
  space_id: string
  email: string | null
  user_id: string | null
  invited_by: string
  /** sha256 of the token sent by e-mail (null for invitations by handle). */
  token_hash: string | null
  created_at: string
  accepted_at: string | null
}

/** Tables owned by the communities module. */
export interface CommunitiesTables {
  communities: CommunitiesTable
  threads: ThreadsTable
  replies: RepliesTable
  revisions: RevisionsTable
  documents: DocumentsTable
  invitations: InvitationsTable
}

/** The executor the communities module works through: its tables, and the core's spaces and membership (a community is a space). */
export type CommunitiesDb = Executor<CommunitiesTables & SharedCoreTables>
