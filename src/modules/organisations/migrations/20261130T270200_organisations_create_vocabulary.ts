import type { Kysely } from 'kysely'
import type { OpenlyMigration } from '../../../core/db/migrations.ts'

/**
 * The directory's curated vocabulary of themes and technologies (0025), seeded with the themes the forms suggested
 * and the technologies the demo and early entries use. Values stay the lowercase text entries already store;
 * other values already in use become retired terms.
 */
const THEMES = ['health', 'education', 'employment', 'democratic participation', 'migration', 'environment', 'housing', 'transport', 'digital inclusion', 'open data', 'procurement', 'working in the open']
const TECHNOLOGIES = ['open source', 'open data', 'open standards', 'api', 'design system', 'user research', 'sensors', 'maps', 'geospatial', 'notifications', 'interoperability', 'legacy systems', 'python', 'javascript', 'postgresql', 'ruby', 'ai']
const LABELS: Record<string, string> = { api: 'API', ai: 'AI (machine learning)', postgresql: 'PostgreSQL', javascript: 'JavaScript' }
const label = (slug: string) => LABELS[slug] ?? slug.charAt(0).toUpperCase() + slug.slice(1)

export const migration: OpenlyMigration = {
  async up(db: Kysely<any>) {
    await db.schema
      .createTable('vocabulary_terms')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('slug', 'text', (c) => c.notNull())
      .addColumn('label', 'text', (c) => c.notNull())
      .addColumn('retired_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('vocabulary_terms_kind_slug', ['kind', 'slug'])
      .execute()
    await db.schema
      .createTable('vocabulary_aliases')
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('old_slug', 'text', (c) => c.notNull())
      .addColumn('term_id', 'text', (c) => c.notNull().references('vocabulary_terms.id').onDelete('cascade'))
      .addPrimaryKeyConstraint('vocabulary_aliases_pk', ['kind', 'old_slug'])
      .execute()
    const at = new Date().toISOString()
    const rows = [...THEMES.map((slug) => ({ kind: 'theme', slug })), ...TECHNOLOGIES.map((slug) => ({ kind: 'technology', slug }))]
    await db
      .insertInto('vocabulary_terms')
      .values(rows.map((r) => ({ id: `vocab-${r.kind}-${r.slug.replace(/[^a-z0-9]+/g, '-')}`, kind: r.kind, slug: r.slug, label: label(r.slug), retired_at: null, created_at: at, updated_at: at })))
      .execute()
    // Values entries already use that the curated list lacks become retired terms: not offered any more, but
    // entries keep them and filters still match them.
    const seeded = new Set(rows.map((r) => `${r.kind}:${r.slug}`))
    const used = [
      ...(await db.selectFrom('organisation_themes').select('theme as value').distinct().execute()).map((r) => ({ kind: 'theme', slug: String(r.value) })),
      ...(await db.selectFrom('project_tags').select(['kind', 'value']).distinct().where('kind', 'in', ['theme', 'technology']).execute()).map((r) => ({ kind: String(r.kind), slug: String(r.value) })),
    ]
    const extra = [...new Map(used.filter((u) => !seeded.has(`${u.kind}:${u.slug}`)).map((u) => [`${u.kind}:${u.slug}`, u])).values()]
    for (let i = 0; i < extra.length; i += 200) {
      await db
        .insertInto('vocabulary_terms')
        .values(extra.slice(i, i + 200).map((u, j) => ({ id: `vocab-old-${i + j}-${u.kind}`, kind: u.kind, slug: u.slug, label: label(u.slug), retired_at: at, created_at: at, updated_at: at })))
        .execute()
    }
  },
}
