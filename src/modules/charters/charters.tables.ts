import type { Executor } from '../../core/db/database.ts'

/** A charter's lifecycle: written in the open, then open for signatures, then closed to everything. */
export const CHARTER_STATUSES = ['drafting', 'published', 'closed'] as const
export type CharterStatus = (typeof CHARTER_STATUSES)[number]

/** What an amendment does to the text: rewrite a section, add a new one, or delete one. */
export const AMENDMENT_KINDS = ['change', 'add', 'delete'] as const
export type AmendmentKind = (typeof AMENDMENT_KINDS)[number]

export const AMENDMENT_STATUSES = ['open', 'accepted', 'rejected', 'withdrawn'] as const
export type AmendmentStatus = (typeof AMENDMENT_STATUSES)[number]

export type Vote = 'for' | 'against'
export type SignatoryKind = 'person' | 'organisation'
export type SignatureStatus = 'active' | 'withdrawn'
export type SignatureAction = 'signed' | 'confirmed' | 'withdrawn'

/**
 * A charter: a document of numbered sections drafted in the open and then signed. Site content
 * (space_id is always null today; kept so the access policy applies unchanged). `title`,
 * `introduction` and `current_version` repeat the newest version's for lists.
 */
export interface ChartersTable {
  id: string
  slug: string
  title: string
  introduction: string
  status: CharterStatus
  current_version: number
  /** The last amendment number handed out: amendments are numbered 1, 2, 3… per charter. */
  amendment_count: number
  space_id: string | null
  created_by: string | null
  created_at: string
  updated_at: string
  published_at: string | null
  closed_at: string | null
}

/** The charter's owners: they decide amendments, edit the introduction, publish and close it. */
export interface CharterEditorsTable {
  charter_id: string
  user_id: string
  added_by: string | null
  created_at: string
}

/** Every version is kept: its title and introduction, and what made it. Sections come from `charter_section_texts`. */
export interface CharterVersionsTable {
  charter_id: string
  number: number
  title: string
  introduction: string
  /** What changed, e.g. "Amendment 12 accepted: new section “Sharing code”". */
  summary: string
  /** The accepted amendment that made this version, if one did. */
  amendment_id: string | null
  created_by: string | null
  created_at: string
}

/**
 * A section's lasting identity (what barriers link to and amendments target). Its number in a version
 * is its rank by `position` among the sections that version holds; positions only ever spread out, so
 * every old version keeps its order.
 */
export interface CharterSectionsTable {
  id: string
  charter_id: string
  position: number
  created_at: string
}

/**
 * One text of one section, valid from version `from_version` up to (not including) `to_version`
 * (null: still current). A version's text is the texts valid at it, ordered by their sections' positions.
 */
export interface CharterSectionTextsTable {
  id: string
  charter_id: string
  section_id: string
  heading: string
  body: string
  from_version: number
  to_version: number | null
  created_at: string
}

/** A proposed rewrite, new section or deletion, with its reason, votes, comments and the editors' decision. */
export interface CharterAmendmentsTable {
  id: string
  charter_id: string
  number: number
  kind: AmendmentKind
  /** The section changed or deleted; for an added section, the section it became once accepted. */
  section_id: string | null
  /** For a new section: it goes after this section (null: at the start). */
  after_section_id: string | null
  /** The section text it was written against (change and delete): if that text is replaced, the amendment conflicts. */
  base_text_id: string | null
  heading: string
  body: string
  reason: string
  status: AmendmentStatus
  /** 1 when the text it was written against has changed or gone: its author is asked to bring it up to date. */
  conflict: number
  votes_for: number
  votes_against: number
  author_id: string
  created_at: string
  updated_at: string
  decided_by: string | null
  decided_at: string | null
  /** The editor's reply with the decision. */
  reply: string
  /** The version accepting it made. */
  result_version: number | null
  hidden_at: string | null
}

/** One vote per person per amendment, changeable while the amendment is open. */
export interface CharterAmendmentVotesTable {
  amendment_id: string
  user_id: string
  vote: Vote
  created_at: string
  updated_at: string
}

export interface CharterAmendmentCommentsTable {
  id: string
  amendment_id: string
  charter_id: string
  author_id: string
  body: string
  body_html: string
  created_at: string
  hidden_at: string | null
}

/**
 * One signatory per charter (unique on `signatory_key`: `person:<user id>` or `organisation:<id>`),
 * signed by a person for themself or by an admin for their organisation. Withdrawing keeps the row
 * (shown as withdrawn); signing again revives it. `version_confirmed` is the newest version the
 * signatory agreed to: when it is older than the charter's, they have not seen the latest text.
 * `name_key` is what the register's name search matches for people (their name when they signed); organisations
 * are searched and filtered by what they are now, through the organisations module.
 */
export interface CharterSignaturesTable {
  id: string
  charter_id: string
  signatory_key: string
  kind: SignatoryKind
  /** Who signed: the person, or the organisation's admin who signed for it. */
  user_id: string
  organisation_id: string | null
  /** A person's choice to be named in the public register (organisations always are). */
  show_name: number
  commitment: string
  status: SignatureStatus
  version_signed: number
  version_confirmed: number
  signed_at: string
  confirmed_at: string
  withdrawn_at: string | null
  updated_at: string
  name_key: string
}

/** The history of a signature: signed, confirmed a newer version, withdrawn, signed again. */
export interface CharterSignatureEventsTable {
  id: string
  signature_id: string
  charter_id: string
  action: SignatureAction
  version: number
  commitment: string
  actor_id: string | null
  created_at: string
}

/** A signatory organisation volunteering to try the charter out, with a contact and goals. */
export interface CharterPilotsTable {
  charter_id: string
  organisation_id: string
  contact_id: string | null
  goals: string
  created_by: string | null
  created_at: string
  updated_at: string
  /** When the latest progress post was linked: orders the pilots. */
  last_update_at: string | null
}

/** Posts (owned by the posts module) linked as a pilot's progress updates. */
export interface CharterPilotUpdatesTable {
  charter_id: string
  organisation_id: string
  post_id: string
  added_by: string | null
  created_at: string
}

/** Tables owned by the charters module. */
export interface ChartersTables {
  charters: ChartersTable
  charter_editors: CharterEditorsTable
  charter_versions: CharterVersionsTable
  charter_sections: CharterSectionsTable
  charter_section_texts: CharterSectionTextsTable
  charter_amendments: CharterAmendmentsTable
  charter_amendment_votes: CharterAmendmentVotesTable
  charter_amendment_comments: CharterAmendmentCommentsTable
  charter_signatures: CharterSignaturesTable
  charter_signature_events: CharterSignatureEventsTable
  charter_pilots: CharterPilotsTable
  charter_pilot_updates: CharterPilotUpdatesTable
}

/** The executor the charters module works through: its own tables only. */
export type ChartersDb = Executor<ChartersTables>
