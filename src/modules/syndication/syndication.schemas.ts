import type { FieldSpec } from '../../core/http/forms.ts'

/** Registering a blog's feed: its address, for oneself or a project one is on. */
export const feedSchema = {
  url: { type: 'url', label: 'Feed address', required: true },
  project: { type: 'text', label: 'Project', max: 64 },
  auto_import: { type: 'boolean', label: 'Import new posts as they appear' },
} satisfies Record<string, FieldSpec>
