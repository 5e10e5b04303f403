import type { ColumnType } from 'kysely'
import type { Executor } from '../../core/db/database.ts'

/** Organisation types offered in forms and accepted by filters. */
export const ORGANISATION_TYPES = [
  'central government',
  'local government',
  'health',
  'education',
  'charity',
  'social enterprise',
  'university',
  'international',
  'other',
] as const
export type OrganisationType = (typeof ORGANISATION_TYPES)[number]

export type OrganisationRole = 'admin' | 'member'

/** A directory entry: a public body, charity, university… Site content (no space) unless space_id is set. */
export interface OrganisationsTable {
  id: string
  slug: string
  name: string
  type: OrganisationType
  /** The country's English name (shown); `country_code` is its ISO 3166-1 alpha-2 code ('' when unknown). */
  country: string
  country_code: string
  /** The region's name (its ISO 3166-2 name when `region_code` is set; older unmatched text otherwise). */
  region: string
  /** ISO 3166-2 code of the region ('' when none or unmatched), 0025. */
  region_code: string
  /** The city's GeoNames id in the bundled gazetteer ('' when none), 0030. */
  city_id: ColumnType<string, string | undefined, string>
  website: string
  /** The website's host without www., for exact duplicate checks. */
  website_domain: string
  /** An optional org-id.guide identifier, such as GB-COH-09506232. */
  identifier: string
  description: string
  /** When a manager last said the entry is still current (null: never). */
  confirmed_at: string | null
  /** The number of its latest applied revision (0 before the first; 0 when an insert leaves it out). */
  revision: ColumnType<number, number | undefined, number>
  /** When its admins were last asked by e-mail whether it is still current (null: never). */
  nudged_at: string | null
  /** When the website is next due a link check (null: as soon as possible). */
  website_check_due: string | null
  website_checked_at: string | null
  /** Link checks in a row that failed (3 or more: shown as broken, admins told). */
  website_failures: number
  /** How the website last answered, in words ("answered 404", "timed out"; '' when fine). */
  website_result: string
  /** Always null today: organisations are site content. Kept so the access policy applies unchanged. */
  space_id: string | null
  /** Set when a moderator hides the entry. */
  hidden_at: string | null
  created_by: string | null
  created_at: string
  updated_at: string
}

export interface OrganisationThemesTable {
  organisation_id: string
  theme: string
}

export interface OrganisationMembersTable {
  organisation_id: string
  user_id: string
  role: OrganisationRole
  created_at: string
}

/**
 * A person asks to be listed as a member (membership shows on their profile and the organisation's
 * page, so it speaks for the organisation): its admins confirm or decline.
 */
export interface OrganisationMemberRequestsTable {
  organisation_id: string
  user_id: string
  message: string
  created_at: string
}

/** Slugs an organisation used to have, so old links answer 301. */
export interface OrganisationSlugRedirectsTable {
  old_slug: string
  organisation_id: string
  created_at: string
}

/** A change to an organisation's directory fields: applied, or proposed by someone who does not manage it (core/revisions). */
export interface OrganisationRevisionsTable {
  id: string
  organisation_id: string
  /** Its number once applied (null while proposed or rejected). */
  number: number | null
  /** The revision number its author started from. */
  base: number
  status: 'applied' | 'proposed' | 'rejected'
  /** JSON `{ before, after }` of the directory fields. */
  fields: string
  note: string
  author_id: string | null
  decided_by: string | null
  created_at: string
  decided_at: string | null
}

/**
 * Pre-aggregated counts for the unfiltered directory (0025): per facet ('total', 'type', 'country', 'theme') and
 * value, how many site-wide, unhidden organisations have it. Kept in the transaction of each change.
 */
export interface OrganisationFacetCountsTable {
  facet: string
  value: string
  n: number
}

export const VOCABULARY_KINDS = ['theme', 'technology'] as const
export type VocabularyKind = (typeof VOCABULARY_KINDS)[number]

/**
 * The directory's curated vocabulary (0025): the themes (organisations and projects) and technologies (projects)
 * that forms offer. `slug` is the value stored on entries and used in filter URLs; `label` is what people read.
 */
export interface VocabularyTermsTable {
  id: string
  kind: VocabularyKind
  slug: string
  label: string
  /** Retired terms are no longer offered; entries keep them and filters still match them. */
  retired_at: string | null
  created_at: string
  updated_at: string
}

/** A term's former slugs: filter links and submissions with them still match the term. */
export interface VocabularyAliasesTable {
  kind: VocabularyKind
  old_slug: string
  term_id: string
}

/** Tables owned by the organisations module. */
export interface OrganisationsTables {
  organisations: OrganisationsTable
  organisation_themes: OrganisationThemesTable
  organisation_members: OrganisationMembersTable
  organisation_member_requests: OrganisationMemberRequestsTable
  organisation_slug_redirects: OrganisationSlugRedirectsTable
  organisation_revisions: OrganisationRevisionsTable
  organisation_facet_counts: OrganisationFacetCountsTable
  vocabulary_terms: VocabularyTermsTable
  vocabulary_aliases: VocabularyAliasesTable
}

/** The executor the organisations module works through: its own tables only. */
export type OrganisationsDb = Executor<OrganisationsTables>
