import type { SeedContext } from '../../core/module.ts'
import { newId } from '../../core/db/ids.ts'
import { findOrganisationBySlug, insertOrganisation, replaceThemes, upsertMember, type OrganisationRow } from './organisations.queries.ts'
import { createOrganisation, indexOrganisation, requestMembership, websiteDomain } from './organisations.ts'
import { runMergeHooks } from '../../core/merge.ts'
import { mergeOrganisations } from './merge.ts'
import { proposeOrganisationEdit, organisationFields } from './revisions.ts'
import { countryCode, countryName } from './countries.ts'
import { regionCode, regionName } from './regions.ts'
import { cityField } from './cities.ts'
import { peopleByHandles } from '../accounts/accounts.ts'
import type { OrganisationRole, OrganisationType } from './organisations.tables.ts'

interface DemoOrganisation {
  slug: string
  name: string
  type: OrganisationType
  country: string
  region: string
  website: string
  description: string
  themes: string[]
  members: Array<[handle: string, role: OrganisationRole]>
}

/** Fictional organisations written for Openly's demo. */
/** Real cities for the fictional organisations, so the map has points on first start. */
const DEMO_CITIES: Record<string, string> = {
  'northshire-county-council': 'York', 'riverside-health-board': 'Cardiff', 'civic-data-lab': 'Edinburgh', 'department-of-open-services': 'Dublin',
  'region-vasterholm': 'Västerås', 'stadt-altenbrueck': 'Regensburg', 'comune-di-valdoro': 'Siena', 'open-state-university': 'Utrecht',
}

/** The GeoNames id of a demo organisation's city ('' for none). */
function cityOf(country: string, name: string | undefined): string {
  const found = name ? cityField(countryCode(country), name, country) : { id: '' }
  return 'id' in found ? found.id : ''
}

/** The ISO 3166-2 name and code of a demo organisation's region (text as given when none matches). */
function regionOf(country: string, text: string): { region: string; code: string } {
  const code = regionCode(countryCode(country) ?? '', text)
  return code ? { region: regionName(code), code } : { region: text, code: '' }
}

export const DEMO_ORGANISATIONS: DemoOrganisation[] = [
  {
    slug: 'northshire-county-council',
    name: 'Northshire County Council',
    type: 'local government',
    country: 'United Kingdom',
    region: 'England',
    website: 'https://northshire.example.gov.uk',
    description:
      'Northshire County Council runs schools, roads, waste and social care for 640,000 residents across market towns and moorland villages.\n\nOur digital team publishes weeknotes every Friday and builds in the open wherever we can. We are happy to share code, research and mistakes with other councils.',
    themes: ['housing', 'environment', 'education', 'open data'],
    members: [['priya-natarajan', 'admin'], ['sam-admin', 'member']],
  },
  {
    slug: 'riverside-health-board',
    name: 'Riverside Health Board',
    type: 'health',
    country: 'United Kingdom',
    region: 'Wales',
    website: 'https://riverside-health.example.wales',
    description:
      'Riverside Health Board plans and provides hospital, community and mental health services for the Riverside valleys.\n\nOur service design team works with patients to rewrite the letters, forms and booking journeys people find hardest. Everything we learn is shared bilingually.',
    themes: ['health', 'digital inclusion'],
    members: [['hannah-price', 'admin']],
  },
  {
    slug: 'civic-data-lab',
    name: 'Civic Data Lab',
    type: 'charity',
    country: 'United Kingdom',
    region: 'Scotland',
    website: 'https://civicdatalab.example.org',
    description:
      'Civic Data Lab is a small charity that helps public bodies publish useful open data and helps communities use it.\n\nWe run data clinics, maintain open-source tools for spending and planning data, and pair volunteers with council teams.',
    themes: ['open data', 'democratic participation'],
    members: [['kwame-mensah', 'admin'], ['marco-bellini', 'member']],
  },
  {
    slug: 'department-of-open-services',
    name: 'Department of Open Services',
    type: 'central government',
    country: 'Ireland',
    region: 'Leinster',
    website: 'https://openservices.example.ie',
    description:
      'The Department of Open Services sets standards for digital public services and funds shared components that any public body can reuse.\n\nWe lead the cross-border procurement commons and publish our spending, roadmaps and service assessments.',
    themes: ['digital inclusion', 'open data', 'employment'],
    members: [['aoife-brennan', 'admin']],
  },
  {
    slug: 'region-vasterholm',
    name: 'Region Västerholm',
    type: 'local government',
    country: 'Sweden',
    region: '',
    website: 'https://vasterholm.example.se',
    description:
      'Region Västerholm is responsible for healthcare, public transport and regional development for the county of Västerholm.\n\nWe share open-source case management components with other Nordic regions and publish our climate targets as open data.',
    themes: ['transport', 'environment', 'health'],
    members: [['tomas-lindqvist', 'admin']],
  },
  {
    slug: 'stadt-altenbrueck',
    name: 'Stadt Altenbrück',
    type: 'local government',
    country: 'Germany',
    region: 'Bavaria',
    website: 'https://altenbrueck.example.de',
    description:
      'Stadt Altenbrück is a mid-sized city administration modernising its planning and permit services.\n\nOur Digitalisierungsteam works openly with neighbouring municipalities and publishes reusable specifications.',
    themes: ['housing', 'democratic participation', 'migration'],
    members: [['lena-vogel', 'admin']],
  },
  {
    slug: 'comune-di-valdoro',
    name: 'Comune di Valdoro',
    type: 'local government',
    country: 'Italy',
    region: 'Tuscany',
    website: 'https://valdoro.example.it',
    description:
      'The Comune di Valdoro serves a hill-town community of 38,000 people.\n\nWe run participatory budgeting every year and are piloting a citizens’ assembly on climate adaptation.',
    themes: ['democratic participation', 'environment'],
    members: [['marco-bellini', 'admin']],
  },
  {
    slug: 'open-state-university',
    name: 'Open State University',
    type: 'university',
    country: 'Netherlands',
    region: 'Utrecht',
    website: 'https://openstate.example.nl',
    description:
      'Open State University researches how public institutions collaborate across borders.\n\nOur public-sector innovation group evaluates pilots with partner governments and publishes every dataset and method openly.',
    themes: ['education', 'open data', 'employment'],
    members: [['kwame-mensah', 'member'], ['lena-vogel', 'member']],
  },
]

/** Seeds the demo organisations and their members (demo people come from the accounts seed). */
export async function seedOrganisations({ db, modules }: SeedContext): Promise<void> {
  const handles = [...new Set(DEMO_ORGANISATIONS.flatMap((o) => o.members.map(([h]) => h)))]
  const people = await peopleByHandles(db, handles)
  const idOf = new Map([...people.values()].map((p) => [p.handle, p.id]))
  const base = Date.parse('2026-01-12T09:00:00.000Z')
  for (const [i, o] of DEMO_ORGANISATIONS.entries()) {
    // Two entries nobody has touched for well over a year: "may be out of date", and their admins are nudged.
    const t = STALE.has(o.slug) ? new Date(Date.parse('2024-09-02T09:00:00.000Z') + i * 86_400_000).toISOString() : new Date(base + i * 86_400_000 * 3).toISOString()
    const firstAdmin = o.members.find(([, r]) => r === 'admin')?.[0]
    const row: OrganisationRow = {
      id: newId(),
      slug: o.slug,
      name: o.name,
      type: o.type,
      country: countryName(countryCode(o.country) ?? ''),
      country_code: countryCode(o.country) ?? '',
      // Regions from ISO 3166-2, as the form takes them.
      region: regionOf(o.country, o.region).region,
      region_code: regionOf(o.country, o.region).code,
      // A real city from the bundled gazetteer (0030), as the form takes them.
      city_id: cityOf(o.country, DEMO_CITIES[o.slug]),
      website: o.website,
      website_domain: websiteDomain(o.website),
      identifier: '',
      website_check_due: null, website_checked_at: null, website_failures: 0, website_result: '',
      description: o.description,
      confirmed_at: null,
      revision: 0,
      nudged_at: null,
      space_id: null,
      hidden_at: null,
      created_by: (firstAdmin && idOf.get(firstAdmin)) ?? null,
      created_at: t,
      updated_at: t,
    }
    await insertOrganisation(db, row)
    await replaceThemes(db, row.id, o.themes)
    for (const [handle, role] of o.members) {
      const userId = idOf.get(handle)
      if (userId) await upsertMember(db, row.id, userId, role, t)
    }
    await indexOrganisation(db, row, o.themes)
  }
  // One person waiting to be listed as a member, so admins see how requests work on first start.
  const asker = idOf.get('hannah-price')
  const lab = await findOrganisationBySlug(db, 'civic-data-lab')
  if (asker && lab) await requestMembership(db, { userId: asker, isAdmin: false }, lab, 'I work with the lab on the digital inclusion map.')

  // A proposed edit waiting for the health board's admin (Hannah Price), from someone who does not manage it.
  const proposer = idOf.get('sam-admin')
  const board = await findOrganisationBySlug(db, 'riverside-health-board')
  if (proposer && board) {
    const fields = await organisationFields(db, board)
    await proposeOrganisationEdit(db, { userId: proposer, isAdmin: false }, board, { ...fields, website: 'https://riverside-health.example.org', description: `${fields.description}

The board now publishes its waiting times every week.` }, board.revision, 'Their new website, and the weekly waiting times')
  }

  // The same council added twice, then merged by its admin: /organisations/northshire-council leads to the one entry.
  const priya = idOf.get('priya-natarajan')
  const council = await findOrganisationBySlug(db, 'northshire-county-council')
  if (priya && council) {
    const actor = { userId: priya, isAdmin: false }
    const duplicate = await createOrganisation(db, actor, { name: 'Northshire Council', type: 'local government', country: 'GB', region: 'England', website: '', identifier: 'GB-LAE-NSH', description: '', themes: ['housing'] })
    await mergeOrganisations(db, actor, duplicate, council, (trx) => runMergeHooks(modules, trx, 'organisation', duplicate.id, council.id))
  }
}

const STALE = new Set(['region-vasterholm', 'stadt-altenbrueck'])
