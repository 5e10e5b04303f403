import type { FieldSpec } from '../../core/http/forms.ts'
import { ORGANISATION_TYPES } from './organisations.tables.ts'

/** Themes offered as suggestions; people may enter others. */
export const SUGGESTED_THEMES = [
  'health',
  'education',
  'employment',
  'democratic participation',
  'migration',
  'environment',
  'housing',
  'transport',
  'digital inclusion',
  'open data',
] as const

/** The organisation form and the API body share this. */
export const organisationSchema = {
  name: { type: 'text', label: 'Name', required: true, max: 120 },
  type: { type: 'choice', label: 'Type of organisation', options: ORGANISATION_TYPES, required: true },
  country: { type: 'text', label: 'Country', required: true, max: 80 },
  region: { type: 'text', label: 'Region', max: 80 },
  city: { type: 'text', label: 'City', max: 100 },
  website: { type: 'url', label: 'Website' },
  identifier: { type: 'text', label: 'Identifier', max: 80 },
  description: { type: 'text', label: 'Description', max: 5000 },
  themes: { type: 'list', label: 'Themes', max: 10, itemMax: 40 },
} as const satisfies Record<string, FieldSpec>

/** Filters of the directory list (page and API). */
export const organisationFilterSchema = {
  country: { type: 'text', label: 'Country', max: 80 },
  type: { type: 'choice', label: 'Type of organisation', options: ORGANISATION_TYPES },
  theme: { type: 'text', label: 'Theme', max: 40 },
} as const satisfies Record<string, FieldSpec>

export const ORGANISATION_ROLES = ['admin', 'member'] as const

/** Adding a member by handle. */
export const addMemberSchema = {
  handle: { type: 'text', label: 'Handle', required: true, max: 60 },
  role: { type: 'choice', label: 'Role', options: ORGANISATION_ROLES, required: true },
} as const satisfies Record<string, FieldSpec>

export const changeRoleSchema = {
  role: { type: 'choice', label: 'Role', options: ORGANISATION_ROLES, required: true },
} as const satisfies Record<string, FieldSpec>

/** Asking to be listed as a member: an optional note for the admins. */
export const memberRequestSchema = {
  message: { type: 'text', label: 'Message to the admins', max: 500 },
} as const satisfies Record<string, FieldSpec>

/** A proposed edit: the organisation's fields and why. */
export const organisationProposalSchema = {
  ...organisationSchema,
  note: { type: 'text', label: 'Why this change', max: 500 },
} as const satisfies Record<string, FieldSpec>
