import type { FieldSpec } from '../../core/http/forms.ts'

/** A wiki page's text, as written and edited. `base_revision` is the revision the editor started from. */
export const entrySchema = {
  title: { type: 'text', label: 'Title', required: true, max: 150 },
  body: { type: 'text', label: 'Text', required: true, max: 30_000 },
  themes: { type: 'list', label: 'Themes', max: 8, itemMax: 40 },
  summary: { type: 'text', label: 'Summary of your change', max: 200 },
} satisfies Record<string, FieldSpec>

export const editSchema = {
  ...entrySchema,
  summary: { type: 'text', label: 'Summary of your change', required: true, max: 200 },
  base_revision: { type: 'text', label: 'Revision', required: true, max: 12 },
} satisfies Record<string, FieldSpec>

export const filterSchema = {
  theme: { type: 'text', label: 'Theme', max: 40 },
  q: { type: 'text', label: 'Words', max: 100 },
} satisfies Record<string, FieldSpec>

export const endorseSchema = {
  endorser: { type: 'text', label: 'Who it is from', required: true, max: 64 },
  note: { type: 'text', label: 'Note', max: 300 },
} satisfies Record<string, FieldSpec>

export const withdrawSchema = {
  endorser: { type: 'text', label: 'Who it is from', required: true, max: 64 },
} satisfies Record<string, FieldSpec>

export const linkSchema = {
  target: { type: 'text', label: 'Page', required: true, max: 300 },
} satisfies Record<string, FieldSpec>

export const revertSchema = {
  base_revision: { type: 'text', label: 'Revision', required: true, max: 12 },
} satisfies Record<string, FieldSpec>
