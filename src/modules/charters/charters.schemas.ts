import type { FieldSpec } from '../../core/http/forms.ts'
import { AMENDMENT_KINDS, AMENDMENT_STATUSES } from './charters.tables.ts'

export const MAX_SECTIONS = 200
export const HEADING_MAX = 150
export const BODY_MAX = 5000

/** Starting a charter: its sections are written as "## Heading" blocks in one box (no JavaScript needed). */
export const charterSchema = {
  title: { type: 'text', label: 'Title', required: true, max: 120 },
  introduction: { type: 'text', label: 'Introduction', max: 5000 },
  sections: { type: 'text', label: 'Sections', required: true, max: 100_000 },
} as const satisfies Record<string, FieldSpec>

/** Editors change the title and introduction: a new version, with a note of what changed. */
export const introductionSchema = {
  title: { type: 'text', label: 'Title', required: true, max: 120 },
  introduction: { type: 'text', label: 'Introduction', max: 5000 },
  summary: { type: 'text', label: 'What changed', required: true, max: 200 },
} as const satisfies Record<string, FieldSpec>

export const editorSchema = {
  handle: { type: 'text', label: 'Handle of the new editor', required: true, max: 60 },
} as const satisfies Record<string, FieldSpec>

/** Proposing an amendment: which kind, where, the new words and why. What each kind needs is checked by the use case. */
export const amendmentSchema = {
  kind: { type: 'choice', label: 'What you want to do', options: AMENDMENT_KINDS, required: true },
  section: { type: 'text', label: 'Section', max: 40 },
  after: { type: 'text', label: 'Where the new section goes', max: 40 },
  heading: { type: 'text', label: 'Heading', max: HEADING_MAX },
  body: { type: 'text', label: 'Text', max: BODY_MAX },
  reason: { type: 'text', label: 'Reason', required: true, max: 2000 },
} as const satisfies Record<string, FieldSpec>

/** Revising one's amendment (bringing it up to date with the current text, or improving it). */
export const revisionSchema = {
  heading: { type: 'text', label: 'Heading', max: HEADING_MAX },
  body: { type: 'text', label: 'Text', max: BODY_MAX },
  reason: { type: 'text', label: 'Reason', required: true, max: 2000 },
} as const satisfies Record<string, FieldSpec>

export const voteSchema = {
  vote: { type: 'choice', label: 'Your vote', options: ['for', 'against', 'none'], required: true },
} as const satisfies Record<string, FieldSpec>

export const commentSchema = {
  comment: { type: 'text', label: 'Comment', required: true, max: 5000 },
} as const satisfies Record<string, FieldSpec>

/** An editor's decision. A rejection needs a reply (the use case checks): the author deserves a reason. */
export const decisionSchema = {
  decision: { type: 'choice', label: 'Decision', options: ['accept', 'reject'], required: true },
  reply: { type: 'text', label: 'Reply to the author', max: 2000 },
} as const satisfies Record<string, FieldSpec>

/**
 * Signing: as oneself ('person') or for an organisation (its id); the version the signer read, so a charter
 * that changed meanwhile is not signed unseen; and whether a person is named in the register.
 */
export const signSchema = {
  signatory: { type: 'text', label: 'Who is signing', required: true, max: 40 },
  commitment: { type: 'text', label: 'Commitment', max: 1000 },
  show_name: { type: 'choice', label: 'Whether to show your name in the public register', options: ['yes', 'no'] },
  version: { type: 'text', label: 'Version', required: true, max: 12 },
} as const satisfies Record<string, FieldSpec>

/** Re-confirming a signature after the charter changed, optionally with a new commitment. */
export const confirmSchema = {
  commitment: { type: 'text', label: 'Commitment', max: 1000 },
  version: { type: 'text', label: 'Version', required: true, max: 12 },
} as const satisfies Record<string, FieldSpec>

export const registerFilterSchema = {
  kind: { type: 'choice', label: 'Signed as', options: ['organisation', 'person'] },
  type: { type: 'text', label: 'Type of organisation', max: 60 },
  country: { type: 'text', label: 'Country', max: 60 },
  q: { type: 'text', label: 'Name', max: 100 },
  status: { type: 'choice', label: 'Status', options: ['active', 'withdrawn'] },
} as const satisfies Record<string, FieldSpec>

export const amendmentFilterSchema = {
  status: { type: 'choice', label: 'Status', options: AMENDMENT_STATUSES },
  section: { type: 'text', label: 'Section', max: 40 },
} as const satisfies Record<string, FieldSpec>

export const compareSchema = {
  from: { type: 'text', label: 'From version', max: 12 },
  to: { type: 'text', label: 'To version', max: 12 },
  view: { type: 'choice', label: 'Show the changes', options: ['inline', 'side'] },
} as const satisfies Record<string, FieldSpec>

export const pilotSchema = {
  organisation: { type: 'text', label: 'Organisation', required: true, max: 40 },
  contact: { type: 'text', label: 'Contact', max: 60 },
  goals: { type: 'text', label: 'Goals', required: true, max: 3000 },
} as const satisfies Record<string, FieldSpec>

export const pilotEditSchema = {
  contact: { type: 'text', label: 'Contact', max: 60 },
  goals: { type: 'text', label: 'Goals', required: true, max: 3000 },
} as const satisfies Record<string, FieldSpec>

export const pilotUpdateSchema = {
  post: { type: 'text', label: 'Post', required: true, max: 300 },
} as const satisfies Record<string, FieldSpec>
