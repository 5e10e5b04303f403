import type { Db } from '../../core/db/database.ts'
import type { FieldErrors } from '../../core/errors.ts'
import { canonicalTerms } from '../organisations/organisations.ts'

/** Lowercases, tidies spaces and de-duplicates tag values. */
const tidy = (values: string[]) => [...new Set(values.map((t) => t.toLowerCase().replace(/\s+/g, ' ').trim()).filter(Boolean))]

/**
 * A project's themes and technologies as the curated vocabulary's slugs (0025): a former slug finds its renamed
 * term; a value outside the vocabulary is a field error, unless the project already has it (old values are kept,
 * never silently dropped). Edits, new projects and proposed edits are all checked here (0030).
 */
export async function vocabularyTags(db: Db, wanted: { themes: string[]; technologies: string[] }, had: { theme: string[]; technology: string[] }): Promise<{ themes: string[]; technologies: string[]; errors: FieldErrors }> {
  const errors: FieldErrors = {}
  const check = async (kind: 'theme' | 'technology', values: string[], field: 'themes' | 'technologies') => {
    const { slugs, unknown } = await canonicalTerms(db, kind, tidy(values), had[kind])
    if (unknown.length) errors[field] = `${unknown.map((u) => `“${u}”`).join(', ')} ${unknown.length === 1 ? `is not a ${kind}` : `are not ${field}`} of the directory: choose from the list (site admins can add ${field})`
    return slugs
  }
  const themes = await check('theme', wanted.themes, 'themes')
  const technologies = await check('technology', wanted.technologies, 'technologies')
  return { themes, technologies, errors }
}
