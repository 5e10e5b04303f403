import type { FieldSpec } from '../../core/http/forms.ts'

/** A practical action: the one line is all a person has to write. */
export const actionSchema = {
  text: { type: 'text', label: 'What you did', required: true, max: 200 },
  url: { type: 'url', label: 'Link' },
  project: { type: 'text', label: 'Project', max: 64 },
} satisfies Record<string, FieldSpec>
