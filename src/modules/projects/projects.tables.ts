import type { ColumnType } from 'kysely'
import type { Executor } from '../../core/db/database.ts'

export const PHASES = ['discovery', 'alpha', 'beta', 'live', 'retired'] as const
export type Phase = (typeof PHASES)[number]

export const TAG_KINDS = ['theme', 'place', 'technology'] as const
export type TagKind = (typeof TAG_KINDS)[number]

export type ProjectOrganisationRole = 'lead' | 'partner'
/** Naming an organisation speaks for it: 'proposed' until one of its admins confirms. */
export type AffiliationStatus = 'proposed' | 'confirmed'

/** A piece of public-service work done in the open. Site content (no space) unless space_id is set. */
export interface ProjectsTable {
  id: string
  slug: string
  name: string
  summary: string
  problem: string
  /** Who it is for. */
  audience: string
  phase: Phase
  /** What help, skills or partners the team is looking for. */
  looking_for: string
  /** Where the work happens: ISO 3166-1 alpha-2 ('' when not said). */
  country_code: string
  /** The city's GeoNames id in the bundled gazetteer ('' when none), 0030. */
  city_id: ColumnType<string, string | undefined, string>
  /** When a manager last said the project is still active (null: never). */
  confirmed_at: string | null
  /** The number of its latest applied revision (0 before the first). */
  revision: number
  /** When its team was last asked by e-mail whether it is still active (null: never). */
  nudged_at: string | null
  /** When its phase last changed (or it was added). */
  phase_changed_at: string | null
  /** Always null today: projects are site content. Kept so the access policy applies unchanged. */
  space_id: string | null
  hidden_at: string | null
  created_by: string | null
  created_at: string
  updated_at: string
}

export interface ProjectTagsTable {
  project_id: string
  kind: TagKind
  value: string
}

export interface ProjectOrganisationsTable {
  project_id: string
  organisation_id: string
  role: ProjectOrganisationRole
  status: AffiliationStatus
  /** Who named the organisation (null for rows older than the rule). */
  requested_by: string | null
  /** Who confirmed it (an admin of the organisation). */
  confirmed_by: string | null
}

export interface ProjectMembersTable {
  project_id: string
  user_id: string
  /** Free text, e.g. "Delivery manager". */
  role: string
  created_at: string
}

export interface ProjectLinksTable {
  project_id: string
  position: number
  label: string
  url: string
}

/** Slugs a project used to have, so old links answer 301. */
export interface ProjectSlugRedirectsTable {
  old_slug: string
  project_id: string
  created_at: string
}

export type RevisionStatus = 'applied' | 'proposed' | 'rejected'

/** A change to a project's description: applied, or proposed by someone outside its team. */
export interface ProjectRevisionsTable {
  id: string
  project_id: string
  /** Its number once applied (null while proposed or rejected). */
  number: number | null
  /** The revision number its author started from. */
  base: number
  status: RevisionStatus
  /** JSON of the described fields after the change (`RevisionFields`). */
  fields: string
  /** Why, in the author's words. */
  note: string
  author_id: string | null
  decided_by: string | null
  created_at: string
  decided_at: string | null
}

/**
 * Pre-aggregated counts for the unfiltered directory (0025): per facet ('total', 'phase', 'country', 'theme',
 * 'technology') and value, how many site-wide, unhidden projects have it. Kept in the transaction of each change.
 */
export interface ProjectFacetCountsTable {
  facet: string
  value: string
  n: number
}

/** Pre-aggregated network (0025): how many site-wide, unhidden projects two organisations are confirmed on together (a < b). */
export interface ProjectOrganisationPairsTable {
  a: string
  b: string
  projects: number
}

/** Tables owned by the projects module. */
export interface ProjectsTables {
  projects: ProjectsTable
  project_tags: ProjectTagsTable
  project_organisations: ProjectOrganisationsTable
  project_members: ProjectMembersTable
  project_links: ProjectLinksTable
  project_slug_redirects: ProjectSlugRedirectsTable
  project_revisions: ProjectRevisionsTable
  project_facet_counts: ProjectFacetCountsTable
  project_organisation_pairs: ProjectOrganisationPairsTable
}

/** The executor the projects module works through: its own tables only. */
export type ProjectsDb = Executor<ProjectsTables>
