import type { FieldSpec } from '../../core/http/forms.ts'

/** A digest: a title, the editor's introduction (Markdown) and what they pick. */
export const digestSchema = {
  title: { type: 'text', label: 'Title', required: true, max: 150 },
  intro: { type: 'text', label: 'Introduction', required: true, max: 5000 },
  reading: { type: 'list', label: 'Reading list items', max: 30, itemMax: 64 },
  posts: { type: 'list', label: 'Posts', max: 30, itemMax: 64 },
} satisfies Record<string, FieldSpec>
