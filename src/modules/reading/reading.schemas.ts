import type { FieldSpec } from '../../core/http/forms.ts'

/** A reading-list item: the link, its title, why it is worth reading (in the member's own words), tags. */
export const readingSchema = {
  url: { type: 'url', label: 'Link', required: true },
  title: { type: 'text', label: 'Title', required: true, max: 200 },
  summary: { type: 'text', label: 'Summary', required: true, max: 1000 },
  tags: { type: 'list', label: 'Tags', max: 8, itemMax: 40 },
} satisfies Record<string, FieldSpec>
