import type { Db } from '../../core/db/database.ts'
import { vocabularyChoices } from '../organisations/organisations.ts'

/** The vocabulary's checkboxes for a project form (add, edit, propose), with what the person chose ticked. */
export async function vocabularyContext(db: Db, values: unknown) {
  const chosen = (values ?? {}) as { themes?: unknown; technologies?: unknown }
  const [themeChoices, technologyChoices] = await Promise.all([vocabularyChoices(db, 'theme', chosen.themes), vocabularyChoices(db, 'technology', chosen.technologies)])
  return { themeChoices, technologyChoices }
}
