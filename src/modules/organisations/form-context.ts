import type { Db } from '../../core/db/database.ts'
import { countryCode, regionChoices, vocabularyChoices } from './organisations.ts'
import { SUGGESTED_THEMES } from './organisations.schemas.ts'
import { ORGANISATION_TYPES } from './organisations.tables.ts'
import { countryOptions } from './countries.ts'

/** What every organisation form (add, edit, propose an edit) offers whatever was typed. */
export const formContext = {
  types: ORGANISATION_TYPES,
  suggestedThemes: SUGGESTED_THEMES,
  get countries() {
    return countryOptions()
  },
}

/** The vocabulary's checkboxes and the country's regions for the form, with what the person chose. */
export async function vocabularyContext(db: Db, values: unknown) {
  const v = (values ?? {}) as { themes?: unknown; country?: unknown; region?: unknown }
  const text = (x: unknown) => (typeof x === 'string' ? x : '')
  // Once the country is known (editing, or the form sent back), its regions are a select; before, a name is typed.
  return { themeChoices: await vocabularyChoices(db, 'theme', v.themes), regionChoices: regionChoices(countryCode(text(v.country)), text(v.region)) }
}
