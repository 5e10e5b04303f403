import type { FieldSpec } from '../../core/http/forms.ts'
import { PHASES } from './phases.ts'

/** The challenge form (and the API's shape of one). Dates are wall-clock times in the writer's zone. */
export const challengeSchema = {
  title: { type: 'text', label: 'Title', required: true, max: 150 },
  summary: { type: 'text', label: 'Summary', required: true, max: 300 },
  problem: { type: 'text', label: 'The problem', required: true, max: 20_000 },
  audience: { type: 'text', label: 'Who it is for', required: true, max: 2000 },
  prize: { type: 'text', label: 'What winners get', required: true, max: 2000 },
  themes: { type: 'list', label: 'Themes', max: 10, itemMax: 40 },
  organiser: { type: 'text', label: 'Organiser', required: true, max: 140 },
  ideas_open_at: { type: 'datetime', label: 'Ideas open', required: true },
  review_at: { type: 'datetime', label: 'Review starts', required: true },
  shortlist_at: { type: 'datetime', label: 'Shortlist announced', required: true },
  winners_at: { type: 'datetime', label: 'Winners announced', required: true },
  closes_at: { type: 'datetime', label: 'Challenge closes', required: true },
} satisfies Record<string, FieldSpec>

const { organiser: _fixed, ...editable } = challengeSchema
/** The edit form: everything but the organiser (who decides where the challenge lives and who sees it). */
export const challengeEditSchema = editable

export const DATE_LABELS: Record<string, string> = Object.fromEntries(Object.entries(challengeSchema).map(([k, v]) => [k, v.label]))

/** Handing a challenge to another organisation: the organisation's address name (its slug). */
export const organiserChangeSchema = {
  organisation: { type: 'text', label: 'New organiser', required: true, max: 100 },
} satisfies Record<string, FieldSpec>

export const phaseMoveSchema = {
  phase: { type: 'choice', label: 'Phase', options: PHASES.filter((p) => p !== 'upcoming'), required: true },
} satisfies Record<string, FieldSpec>

export const ideaSchema = {
  title: { type: 'text', label: 'Title of your idea', required: true, max: 150 },
  body: { type: 'text', label: 'Your idea', required: true, max: 20_000 },
  coauthors: { type: 'list', label: 'Co-authors', max: 10, itemMax: 60 },
  attachment_url: { type: 'url', label: 'Link to an attachment' },
} satisfies Record<string, FieldSpec>

export const voteSchema = {
  vote: { type: 'choice', label: 'Vote', options: ['add', 'remove'], required: true },
} satisfies Record<string, FieldSpec>

export const commentSchema = {
  comment: { type: 'text', label: 'Comment', required: true, max: 5000 },
} satisfies Record<string, FieldSpec>

export const reviewSchema = {
  score: { type: 'choice', label: 'Score', options: ['1', '2', '3', '4', '5'] },
  note: { type: 'text', label: 'Review note', max: 5000 },
} satisfies Record<string, FieldSpec>

export const decisionSchema = {
  decision: { type: 'choice', label: 'Decision', options: ['shortlist', 'unshortlist', 'winner'], required: true },
  reason: { type: 'text', label: 'Why it wins', max: 2000 },
} satisfies Record<string, FieldSpec>

/** Filters of the challenges list (page and API). */
export const challengeFilterSchema = {
  phase: { type: 'choice', label: 'Phase', options: PHASES },
  theme: { type: 'text', label: 'Theme', max: 40 },
  organisation: { type: 'text', label: 'Organisation', max: 100 },
} satisfies Record<string, FieldSpec>

export const IDEA_SORTS = ['votes', 'newest', 'random'] as const
export type IdeaSort = (typeof IDEA_SORTS)[number]
