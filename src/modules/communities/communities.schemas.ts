import type { FieldSpec } from '../../core/http/forms.ts'

export const JOIN_POLICIES = ['open', 'request', 'invite'] as const
export const VISIBILITIES = ['public', 'signed_in', 'members'] as const
export const ROLES = ['host', 'moderator', 'member'] as const

/** Create or edit a community. */
export const communitySchema = {
  name: { type: 'text', label: 'Name', required: true, max: 100, min: 3 },
  description: { type: 'text', label: 'Description', required: true, max: 5000 },
  themes: { type: 'list', label: 'Themes', max: 10, itemMax: 40 },
  join_policy: { type: 'choice', label: 'How people join', options: JOIN_POLICIES, required: true },
  visibility: { type: 'choice', label: 'Who can see it', options: VISIBILITIES, required: true },
} satisfies Record<string, FieldSpec>

/** Start a thread. */
export const threadSchema = {
  title: { type: 'text', label: 'Title', required: true, max: 150 },
  body: { type: 'text', label: 'Message', required: true, max: 20000 },
  submission_id: { type: 'text', label: 'Form key', max: 64 },
} satisfies Record<string, FieldSpec>

/** Reply to a thread. */
export const replySchema = {
  body: { type: 'text', label: 'Reply', required: true, max: 20000 },
  quote_reply_id: { type: 'text', label: 'Quoted reply', max: 64 },
  submission_id: { type: 'text', label: 'Form key', max: 64 },
} satisfies Record<string, FieldSpec>

/** Edit a reply. */
export const replyEditSchema = {
  body: { type: 'text', label: 'Reply', required: true, max: 20000 },
} satisfies Record<string, FieldSpec>

/** Edit a thread. */
export const threadEditSchema = {
  title: { type: 'text', label: 'Title', required: true, max: 150 },
  body: { type: 'text', label: 'Message', required: true, max: 20000 },
} satisfies Record<string, FieldSpec>

/** Add a link to the library. */
export const linkSchema = {
  title: { type: 'text', label: 'Title', required: true, max: 150 },
  url: { type: 'url', label: 'Web address', required: true },
  description: { type: 'text', label: 'Description', max: 2000 },
} satisfies Record<string, FieldSpec>

/** Upload a file to the library (the file itself is checked separately). */
export const uploadSchema = {
  title: { type: 'text', label: 'Title', required: true, max: 150 },
  description: { type: 'text', label: 'Description', max: 2000 },
} satisfies Record<string, FieldSpec>

/** Invite someone by handle or e-mail address. */
export const inviteSchema = {
  invitee: { type: 'text', label: 'Handle or email address', required: true, max: 254 },
} satisfies Record<string, FieldSpec>

/** A host's action on one member. */
export const memberActionSchema = {
  action: { type: 'choice', label: 'Action', options: ['approve', 'decline', 'role', 'remove', 'ban', 'unban'], required: true },
  role: { type: 'choice', label: 'Role', options: ROLES },
} satisfies Record<string, FieldSpec>

/** Why a platform admin opens a members-only community: shown to its hosts and kept in the audit log. */
export const adminAccessSchema = {
  reason: { type: 'text', label: 'Reason', required: true, min: 10, max: 500 },
} as const satisfies Record<string, FieldSpec>
