export type SpaceVisibility = 'public' | 'signed_in' | 'members'
export type SpaceRole = 'host' | 'moderator' | 'member'
export type MembershipStatus = 'active' | 'invited' | 'requested' | 'banned' | 'removed'

/**
 * A space is anything content can belong to and whose visibility is decided in one place
 * (a community today; events and challenges later). Content with no space is site content.
 */
export interface SpacesTable {
  id: string
  kind: string
  visibility: SpaceVisibility
  /** Display name of the space (the community's name). */
  name: string
  /** Its page, e.g. /communities/data-in-the-open */
  path: string
  created_at: string
}

export interface SpaceMembersTable {
  space_id: string
  user_id: string
  role: SpaceRole
  status: MembershipStatus
  created_at: string
  updated_at: string
}

/** Who did what to what, and why: moderation and admin actions. */
export interface AuditLogTable {
  id: string
  actor_id: string | null
  action: string
  subject_type: string
  subject_id: string
  space_id: string | null
  reason: string
  /** What the subject was called and where it was, when the action was taken ('' on rows older than these columns). */
  subject_title: string
  subject_url: string
  created_at: string
}

/** Why a piece of content is held back from readers (see core/access/held.ts). */
export type HeldState = 'pending' | 'hidden' | 'approved'

/**
 * Content moderation holds back, and why: `pending` (a new account's content with links waits for a
 * moderator's approval), `hidden` (a moderator hid it), `approved` (a moderator approved or restored it:
 * it is not held again, and it counts towards its author's trust). The content's own `hidden_at` is set
 * while pending or hidden: that is what every read path checks. Title and URL are a snapshot for the lists.
 */
export interface HeldContentTable {
  /** A key of some module's `moderation` registry ('post', 'thread', 'person', …). */
  subject_type: string
  subject_id: string
  space_id: string | null
  author_id: string | null
  title: string
  url: string
  state: HeldState
  /** Why it is held: the rule that held it, or the moderator's reason. */
  reason: string
  /** The moderator who last decided (null while waiting for approval). */
  decided_by: string | null
  created_at: string
  updated_at: string
}

/**
 * A platform admin's explicit, audited access to a members-only space ("access as admin"): asked
 * with a reason, time-limited, shown to the space's hosts. Without one, admins do not read private spaces.
 */
export interface SpaceAdminAccessTable {
  id: string
  space_id: string
  admin_id: string
  reason: string
  created_at: string
  expires_at: string
}

export interface AccessTables {
  spaces: SpacesTable
  space_members: SpaceMembersTable
  space_admin_access: SpaceAdminAccessTable
  audit_log: AuditLogTable
  held_content: HeldContentTable
}

/**
 * Core tables a feature module may declare in its own executor type. Spaces and their membership
 * are shared by design (a community is a space); everything else of the core's is reached through
 * core functions, and people through the accounts module (scripts/check-boundaries.ts enforces it).
 */
export type SharedCoreTables = Pick<AccessTables, 'spaces' | 'space_members'>
