import type { Executor } from '../../core/db/database.ts'

/** The two kinds of wiki page: what gets in the way of open, collaborative working, and what worked. */
export const WIKI_KINDS = ['barrier', 'solution'] as const
export type WikiKind = (typeof WIKI_KINDS)[number]

/**
 * A wiki page, barrier or solution: the current revision's title, Markdown and themes, repeated here
 * for lists. `revision` is the number of the latest revision: an edit names the revision it started
 * from and is saved only while that is still the latest (see saveRevision). The slug is kept for life.
 */
export interface WikiEntriesTable {
  id: string
  kind: WikiKind
  slug: string
  title: string
  body: string
  body_html: string
  /** Plain text for lists and feeds: the first words of the body. */
  excerpt: string
  /** Themes as written, comma-separated (the filter reads `wiki_entry_themes`). */
  themes: string
  /** Lower-case title, text and themes: what the list's free-text filter matches. */
  search_text: string
  revision: number
  /** Always null today (the wiki is site content); kept so the access policy's list filter applies unchanged. */
  space_id: string | null
  created_by: string | null
  created_at: string
  updated_at: string
  hidden_at: string | null
}

/** Every revision of a page, numbered 1, 2, 3… per page, with who made it and why. */
export interface WikiRevisionsTable {
  id: string
  entry_id: string
  number: number
  title: string
  body: string
  themes: string
  /** The editor's summary ("Added the council's experience"). */
  summary: string
  author_id: string | null
  /** Set when a moderator's revert made this revision: the revision whose text it restored. */
  reverted_to: number | null
  created_at: string
}

/** A page's themes, one row each, for the list's theme filter. */
export interface WikiEntryThemesTable {
  entry_id: string
  kind: WikiKind
  theme: string
}

/** A barrier and a solution that helps with it (many-to-many). */
export interface WikiLinksTable {
  barrier_id: string
  solution_id: string
  created_by: string | null
  created_at: string
}

/** A barrier linked to a section of a charter (owned by the charters module; named by its lasting id). */
export interface WikiCharterLinksTable {
  entry_id: string
  section_id: string
  created_by: string | null
  created_at: string
}

/** A solution linked to a project that used it (owned by the projects module). */
export interface WikiProjectLinksTable {
  entry_id: string
  project_id: string
  created_by: string | null
  created_at: string
}

/**
 * "We face this too" on a barrier, "this worked for us" on a solution: one per endorser and page,
 * `endorser_key` being `person:<user id>` or `organisation:<id>` (an organisation endorses once,
 * whichever of its admins says so).
 */
export interface WikiEndorsementsTable {
  id: string
  entry_id: string
  endorser_key: string
  user_id: string
  organisation_id: string | null
  note: string
  created_at: string
}

/** Tables owned by the barriers module (the barriers and solutions wiki). */
export interface BarriersTables {
  wiki_entries: WikiEntriesTable
  wiki_revisions: WikiRevisionsTable
  wiki_entry_themes: WikiEntryThemesTable
  wiki_links: WikiLinksTable
  wiki_charter_links: WikiCharterLinksTable
  wiki_project_links: WikiProjectLinksTable
  wiki_endorsements: WikiEndorsementsTable
}

/** The executor the barriers module works through: its own tables only. */
export type BarriersDb = Executor<BarriersTables>
