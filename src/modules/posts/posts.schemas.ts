import type { FieldSpec } from '../../core/http/forms.ts'

export const PUBLISH_CHOICES = ['draft', 'publish', 'schedule'] as const

/** The post form (and any future write API). */
export const postSchema = {
  title: { type: 'text', label: 'Title', required: true, max: 150 },
  summary: { type: 'text', label: 'Summary', max: 300 },
  body: { type: 'text', label: 'Post', required: true, max: 50_000 },
  learned: { type: 'text', label: 'What we learned', max: 2000 },
  tags: { type: 'list', label: 'Tags', max: 10, itemMax: 30 },
  series: { type: 'text', label: 'Series', max: 60 },
  newSeries: { type: 'text', label: 'New series title', max: 100 },
  coauthors: { type: 'list', label: 'Co-authors', max: 10, itemMax: 60 },
  project: { type: 'text', label: 'Project', max: 100 },
  organisation: { type: 'text', label: 'Organisation', max: 100 },
  community: { type: 'text', label: 'Community', max: 60 },
  publish: { type: 'choice', label: 'When to publish', options: PUBLISH_CHOICES, required: true },
  publishAt: { type: 'datetime', label: 'Publication date and time' },
} satisfies Record<string, FieldSpec>

export const commentSchema = {
  comment: { type: 'text', label: 'Comment', required: true, max: 5000 },
} satisfies Record<string, FieldSpec>

/** "User Research, Open Data" → ["user-research", "open-data"]. */
export function normaliseTag(tag: string): string {
  return tag
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
}
