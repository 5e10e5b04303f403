import type { Executor } from '../../core/db/database.ts'

/** Who states a challenge: an organisation (through an admin who speaks for it) or a community (through its hosts). */
export type OrganiserKind = 'organisation' | 'community'
/** What happens to an idea: submitted, put on the shortlist, or announced a winner. */
export type IdeaStatus = 'submitted' | 'shortlisted' | 'winner'

/**
 * A challenge: a problem put to everyone. Its phase follows the dates (decided at read time, see
 * phases.ts); `moved_phase` is an organiser's move by hand, which holds until the next date passes.
 */
export interface ChallengesTable {
  id: string
  slug: string
  title: string
  summary: string
  /** Markdown source, and its sanitised rendering. */
  problem: string
  problem_html: string
  audience: string
  prize: string
  organiser_kind: OrganiserKind
  /** An organisation id or a community (space) id. */
  organiser_id: string
  /** A community's space (the challenge then follows its visibility); null = site content. */
  space_id: string | null
  created_by: string
  ideas_open_at: string
  review_at: string
  shortlist_at: string
  winners_at: string
  closes_at: string
  moved_phase: string | null
  moved_at: string | null
  hidden_at: string | null
  created_at: string
  updated_at: string
}

export interface ChallengeThemesTable {
  challenge_id: string
  theme: string
}

/** An idea. `vote_count` is kept by the vote use case under the idea's row lock (the list sorts on it). */
export interface ChallengeIdeasTable {
  id: string
  challenge_id: string
  /** The challenge's space, copied so lists and search filter ideas like any content. */
  space_id: string | null
  title: string
  body: string
  body_html: string
  attachment_url: string
  author_id: string
  status: IdeaStatus
  /** The public reason given with a win. */
  win_reason: string
  /** The project a winning idea became (a row of the projects module). */
  project_id: string | null
  vote_count: number
  /** A random number fixed at submission: "random" order is a permutation of it per reader (ideas.queries.ts). */
  shuffle_key: number
  revision: number
  hidden_at: string | null
  /** When readers could first see it, and followers hear of it: null while it waits for approval (or is a draft); set once (decision 0038). */
  shown_at: string | null
  created_at: string
  updated_at: string
}

/** Everyone named as an author of an idea: its submitter (position 0) and co-authors. */
export interface ChallengeIdeaAuthorsTable {
  idea_id: string
  user_id: string
  position: number
}

/** Every saved version of an idea: the first submission and each edit. */
export interface ChallengeIdeaRevisionsTable {
  id: string
  idea_id: string
  revision: number
  title: string
  body: string
  attachment_url: string
  edited_by: string
  created_at: string
}

/** One vote; the primary key makes two racing votes of one person one row. */
export interface ChallengeIdeaVotesTable {
  idea_id: string
  user_id: string
  challenge_id: string
  created_at: string
}

export interface ChallengeIdeaCommentsTable {
  id: string
  idea_id: string
  challenge_id: string
  space_id: string | null
  author_id: string
  body: string
  body_html: string
  hidden_at: string | null
  created_at: string
}

/** An organiser's private review of an idea: a note and a score (1–5). Organisers only ever read these. */
export interface ChallengeReviewsTable {
  idea_id: string
  reviewer_id: string
  challenge_id: string
  score: number | null
  note: string
  created_at: string
  updated_at: string
}

/** Tables owned by the challenges module. */
export interface ChallengesTables {
  challenges: ChallengesTable
  challenge_themes: ChallengeThemesTable
  challenge_ideas: ChallengeIdeasTable
  challenge_idea_authors: ChallengeIdeaAuthorsTable
  challenge_idea_revisions: ChallengeIdeaRevisionsTable
  challenge_idea_votes: ChallengeIdeaVotesTable
  challenge_idea_comments: ChallengeIdeaCommentsTable
  challenge_reviews: ChallengeReviewsTable
}

/** The executor the challenges module works through: its own tables only. */
export type ChallengesDb = Executor<ChallengesTables>
