import type { FieldSpec } from '../../core/http/forms.ts'

/** Reporting content: why it should be looked at. */
export const reportSchema = {
  reason: { type: 'text', label: 'Reason for reporting', required: true, max: 1000 },
} as const satisfies Record<string, FieldSpec>

export const DECISIONS = ['hide', 'restore', 'approve', 'reject', 'dismiss'] as const

/** A moderator's decision on a report; the reason goes to the audit log and the author. */
export const decisionSchema = {
  action: { type: 'choice', label: 'What you want to do', options: DECISIONS, required: true },
  reason: { type: 'text', label: 'Reason for your decision', required: true, max: 1000 },
} as const satisfies Record<string, FieldSpec>

/**
 * A moderator acting on an item without a report. The reason is required except to approve what waited
 * for approval (it goes to the audit log and the author).
 */
export const itemSchema = {
  action: { type: 'choice', label: 'What you want to do', options: ['hide', 'restore', 'approve', 'reject'], required: true },
  reason: { type: 'text', label: 'Reason for your decision', max: 1000 },
} as const satisfies Record<string, FieldSpec>

/** Suspending or reinstating an account: why (audit log, and the e-mail to the person). */
export const suspensionSchema = {
  reason: { type: 'text', label: 'Reason', required: true, max: 1000 },
} as const satisfies Record<string, FieldSpec>
