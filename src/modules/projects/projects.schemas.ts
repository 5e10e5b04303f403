import type { FieldSpec } from '../../core/http/forms.ts'
import { PHASES } from './projects.tables.ts'

export const MAX_LINKS = 10
export const MAX_TEAM = 30

/** The project form and the API body share this. Links and team are lines, checked by the use case. */
export const projectSchema = {
  name: { type: 'text', label: 'Project name', required: true, max: 120 },
  summary: { type: 'text', label: 'Summary', required: true, max: 300 },
  phase: { type: 'choice', label: 'Phase', options: PHASES, required: true },
  problem: { type: 'text', label: 'The problem', max: 5000 },
  audience: { type: 'text', label: 'Who it is for', max: 2000 },
  looking_for: { type: 'text', label: 'Looking for', max: 2000 },
  themes: { type: 'list', label: 'Themes', max: 10, itemMax: 40 },
  places: { type: 'list', label: 'Places', max: 10, itemMax: 60 },
  technologies: { type: 'list', label: 'Technologies', max: 10, itemMax: 40 },
  country: { type: 'text', label: 'Country', max: 80 },
  city: { type: 'text', label: 'City', max: 100 },
  lead_organisation: { type: 'text', label: 'Lead organisation', max: 120 },
  partner_organisations: { type: 'list', label: 'Partner organisations', max: 20, itemMax: 120 },
  links: { type: 'text', label: 'Links', max: 6000 },
  team: { type: 'text', label: 'Team', max: 4000 },
} as const satisfies Record<string, FieldSpec>

/** Filters of the projects list (page and API). */
export const projectFilterSchema = {
  phase: { type: 'choice', label: 'Phase', options: PHASES },
  theme: { type: 'text', label: 'Theme', max: 40 },
  place: { type: 'text', label: 'Place', max: 60 },
  technology: { type: 'text', label: 'Technology', max: 40 },
  organisation: { type: 'text', label: 'Organisation', max: 100 },
} as const satisfies Record<string, FieldSpec>

/** Proposing an edit to a project one does not manage: its description, themes and technologies, and why. */
export const proposalSchema = {
  name: projectSchema.name,
  summary: projectSchema.summary,
  phase: projectSchema.phase,
  problem: projectSchema.problem,
  audience: projectSchema.audience,
  looking_for: projectSchema.looking_for,
  themes: projectSchema.themes,
  technologies: projectSchema.technologies,
  note: { type: 'text', label: 'Why this change', max: 500 },
} as const satisfies Record<string, FieldSpec>
