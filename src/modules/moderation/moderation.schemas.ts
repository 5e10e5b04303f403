import type { FieldSpec } from '../../core/http/forms.ts'

/** Reporting content: why it should be looked at. */
export const reportSchema = {
  reason: { type: 'text', label: 'Reason for reporting', required: true, max: 1000 },
} as const satisfies Record<string, FieldSpec>

export const DECISIONS = ['hide', 'restore', 'dismiss'] as const
export type Decision = (typeof DECISIONS)[number]

/** A moderator's decision on a report; the reason goes to the audit log and the author. */
export const decisionSchema = {
  action: { type: 'choice', label: 'What you want to do', options: DECISIONS, required: true },
  reason: { type: 'text', label: 'Reason for your decision', required: true, max: 1000 },
} as const satisfies Record<string, FieldSpec>
