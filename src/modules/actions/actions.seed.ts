import type { SeedContext } from '../../core/module.ts'
import { peopleByHandles } from '../accounts/accounts.ts'
import { visibleProjectBySlug } from '../projects/projects.ts'
import { insertAction } from './actions.queries.ts'
import { newId } from '../../core/db/ids.ts'

// Demo practical actions, written for Openly: small steps by several demo people over the last weeks,
// some with a link, some on a project they are on.

const HOUR = 3_600_000

const DEMO: Array<{ by: string; hoursAgo: number; text: string; url?: string; project?: string }> = [
  { by: 'priya-natarajan', hoursAgo: 3, text: 'Moved our sprint board from a private tool to a public one', url: 'https://example.org/boards/bin-alerts', project: 'bin-collection-alerts' },
  { by: 'priya-natarajan', hoursAgo: 28, text: 'Asked the admissions team to review our draft letter in the open channel', project: 'school-admissions-in-the-open' },
  { by: 'priya-natarajan', hoursAgo: 75, text: 'Wrote down why we chose SMS over an app, before I forget' },
  { by: 'priya-natarajan', hoursAgo: 200, text: 'Shared our research consent form with two other councils' },
  { by: 'kwame-mensah', hoursAgo: 6, text: 'Published the spending data dictionary as a CSV with a licence', url: 'https://example.org/open-spending/dictionary.csv', project: 'open-spending-data' },
  { by: 'kwame-mensah', hoursAgo: 50, text: 'Answered a question about our schema on the public issue tracker', project: 'open-spending-data' },
  { by: 'kwame-mensah', hoursAgo: 340, text: 'Turned a spreadsheet of ward names into a reusable lookup' },
  { by: 'hannah-price', hoursAgo: 9, text: 'Recorded a two-minute walkthrough of the care finder prototype', project: 'adult-social-care-finder' },
  { by: 'hannah-price', hoursAgo: 120, text: 'Ran our patient letter past a reading-age checker and rewrote three paragraphs', project: 'patient-letters-redesign' },
  { by: 'aoife-brennan', hoursAgo: 20, text: 'Invited a charity partner to our discovery show and tell', project: 'digital-inclusion-map' },
  { by: 'aoife-brennan', hoursAgo: 400, text: 'Translated our procurement principles into Irish with a colleague', url: 'https://example.org/procurement-principles/ga' },
  { by: 'tomas-lindqvist', hoursAgo: 30, text: 'Opened the case management repository to partner regions', project: 'open-source-case-management' },
  { by: 'lena-vogel', hoursAgo: 60, text: 'Published the planning alpha’s accessibility statement in draft', project: 'planning-applications-alpha' },
  { by: 'marco-bellini', hoursAgo: 14, text: 'Tagged the first release of the citizens’ assembly toolkit', url: 'https://example.org/assembly-toolkit/releases/v0.1', project: 'citizens-assembly-toolkit' },
]

export async function seedActions({ db }: SeedContext): Promise<void> {
  const people = await peopleByHandles(db, [...new Set(DEMO.map((d) => d.by))])
  const now = Date.now()
  for (const d of DEMO) {
    const person = people.get(d.by)
    if (!person) continue
    const project = d.project ? await visibleProjectBySlug(db, { userId: person.id, isAdmin: false }, d.project) : null
    await insertAction(db, { id: newId(), author_id: person.id, text: d.text, url: d.url ?? '', project_id: project?.id ?? null, space_id: null, hidden_at: null, shown_at: new Date(now - d.hoursAgo * HOUR).toISOString(), created_at: new Date(now - d.hoursAgo * HOUR).toISOString() })
  }
}
