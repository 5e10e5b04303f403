import type { SeedContext } from '../../core/module.ts'
import { newId } from '../../core/db/ids.ts'
import { ANONYMOUS } from '../../core/access/policy.ts'
import { cityField, notifyOrganisationAdmins, organisationsBySlugs } from '../organisations/organisations.ts'
import { peopleByHandles } from '../accounts/accounts.ts'
import { insertProject, replaceProjectParts, type ProjectRow } from './projects.queries.ts'
import { indexProject } from './projects.ts'
import type { Phase } from './projects.tables.ts'

interface DemoProject {
  /** An organisation named as partner but not yet confirmed by its admins. */
  proposedPartner?: string
  slug: string
  name: string
  phase: Phase
  summary: string
  problem: string
  audience: string
  lookingFor: string
  themes: string[]
  places: string[]
  technologies: string[]
  lead: string
  partners: string[]
  team: Array<[handle: string, role: string]>
  links: Array<[label: string, url: string]>
}

/** Real cities where some of the fictional projects happen (0030). */
const DEMO_CITIES: Record<string, string> = {
  'bin-collection-alerts': 'York', 'school-admissions-in-the-open': 'York', 'patient-letters-redesign': 'Cardiff', 'digital-inclusion-map': 'Dublin',
  'planning-applications-alpha': 'Regensburg', 'open-source-case-management': 'Västerås', 'citizens-assembly-toolkit': 'Siena', 'legacy-payments-retirement': 'York',
}

/** The GeoNames id of a demo project's city ('' for none). */
function cityOf(country: string, name: string | undefined): string {
  const found = name && country ? cityField(country, name, country) : { id: '' }
  return 'id' in found ? found.id : ''
}

/** Fictional projects written for Openly's demo; the posts seed attaches weeknotes to these slugs. */
export const DEMO_PROJECTS: DemoProject[] = [
  {
    slug: 'bin-collection-alerts',
    name: 'Bin collection alerts',
    phase: 'live',
    summary: 'Text and e-mail reminders the night before your bin day, with changes pushed automatically when rounds move for bank holidays or bad weather.',
    problem: 'Missed collections were the biggest single cause of calls to the Northshire contact centre. Most were caused by people not knowing that a round had moved.\n\nThe round data already existed, but only inside the fleet management system.',
    audience: 'Every household in Northshire, especially people who work shifts or care for someone and cannot check the website each week.',
    lookingFor: 'Other councils who want to reuse the round-change publisher. We will pair with your team for a fortnight.',
    themes: ['environment', 'open data'],
    places: ['Northshire'],
    technologies: ['open source', 'notifications'],
    lead: 'northshire-county-council',
    partners: ['civic-data-lab'],
    team: [['priya-natarajan', 'Product manager'], ['kwame-mensah', 'Data engineer']],
    links: [['Source code', 'https://git.example.org/northshire/bin-alerts'], ['Service', 'https://bins.northshire.example.gov.uk']],
  },
  {
    slug: 'school-admissions-in-the-open',
    name: 'School admissions in the open',
    phase: 'beta',
    summary: 'A clearer way for parents to apply for a school place, with the admissions rules and past allocation data published alongside the form.',
    problem: 'Parents could not see how places were allocated, so many listed only one preference and lost out.',
    audience: 'Parents and carers applying for primary and secondary school places, and the admissions officers who answer their questions.',
    lookingFor: 'Parents willing to take part in research sessions in the spring, and a content designer for eight weeks.',
    themes: ['education', 'open data'],
    places: ['Northshire'],
    technologies: ['open data', 'open source'],
    lead: 'northshire-county-council',
    partners: ['open-state-university'],
    team: [['priya-natarajan', 'Service owner'], ['hannah-price', 'User researcher']],
    links: [['Admissions data', 'https://data.northshire.example.gov.uk/admissions']],
  },
  {
    slug: 'patient-letters-redesign',
    name: 'Patient letters redesign',
    phase: 'alpha',
    summary: 'Rewriting outpatient appointment letters in plain English and Welsh, tested with patients, so fewer appointments are missed.',
    problem: 'One in eight outpatient appointments is missed. Patients told us the letters were hard to read and hid the date and place.',
    audience: 'Patients of Riverside Health Board and the people who support them, including carers and interpreters.',
    lookingFor: 'Health boards that have tested letter templates, and Welsh-language content designers.',
    themes: ['health', 'digital inclusion'],
    places: ['Wales', 'Riverside'],
    technologies: ['design system'],
    lead: 'riverside-health-board',
    partners: [],
    team: [['hannah-price', 'Lead service designer']],
    links: [['Research notes', 'https://research.riverside-health.example.wales/letters']],
  },
  {
    slug: 'open-spending-data',
    name: 'Open spending data',
    phase: 'live',
    summary: 'Every payment over £500 published monthly as tidy open data, with a simple explorer and an API that other councils can run themselves.',
    problem: 'Spending files were published as inconsistent spreadsheets that nobody could compare across councils.',
    audience: 'Journalists, councillors, local businesses and residents who want to know where public money goes.',
    lookingFor: 'More councils to publish to the shared schema. Volunteers to improve the explorer’s accessibility.',
    themes: ['open data', 'democratic participation'],
    places: ['United Kingdom', 'Ireland'],
    technologies: ['open data', 'open source', 'API'],
    lead: 'civic-data-lab',
    partners: ['northshire-county-council', 'department-of-open-services'],
    team: [['kwame-mensah', 'Maintainer'], ['marco-bellini', 'Developer']],
    links: [['Source code', 'https://git.example.org/civicdatalab/spending'], ['Data schema', 'https://civicdatalab.example.org/spending-schema']],
  },
  {
    slug: 'digital-inclusion-map',
    name: 'Digital inclusion map',
    phase: 'discovery',
    summary: 'Finding out where people go for help getting online, and whether a shared, open map of support would help them and the people who refer them.',
    problem: 'Support for getting online is offered by libraries, charities and job centres, but nobody knows the whole picture.',
    audience: 'People who are not online, and the support workers, librarians and GPs who refer them.',
    lookingFor: 'Organisations that run digital skills sessions and would talk to us for an hour.',
    themes: ['digital inclusion', 'employment'],
    places: ['Ireland', 'Leinster'],
    technologies: ['open data', 'maps'],
    lead: 'department-of-open-services',
    partners: ['civic-data-lab'],
    proposedPartner: 'open-state-university',
    team: [['aoife-brennan', 'Discovery lead'], ['kwame-mensah', 'Data adviser']],
    links: [],
  },
  {
    slug: 'cross-border-procurement-commons',
    name: 'Cross-border procurement commons',
    phase: 'beta',
    summary: 'Shared, openly licensed tender templates and a register of reusable contracts so public bodies in different countries can buy together.',
    problem: 'Each body writes its own tender for the same software, and small suppliers cannot afford to answer them all.',
    audience: 'Procurement officers and digital leads in public bodies, and small suppliers.',
    lookingFor: 'Procurement lawyers from more jurisdictions to review the templates.',
    themes: ['employment', 'open data'],
    places: ['Ireland', 'Sweden', 'Germany', 'Netherlands'],
    technologies: ['open standards'],
    lead: 'department-of-open-services',
    partners: ['region-vasterholm', 'stadt-altenbrueck', 'open-state-university'],
    team: [['aoife-brennan', 'Programme lead'], ['tomas-lindqvist', 'Procurement specialist'], ['lena-vogel', 'Legal lead']],
    links: [['Templates', 'https://git.example.org/procurement-commons/templates']],
  },
  {
    slug: 'planning-applications-alpha',
    name: 'Planning applications alpha',
    phase: 'alpha',
    summary: 'Prototyping a planning application service that checks common problems before submission, so fewer applications are returned incomplete.',
    problem: 'Four in ten applications come back incomplete, adding weeks to every decision.',
    audience: 'Householders, small builders and the planning officers who validate applications.',
    lookingFor: 'Planning officers to test prototypes, and developers who know geospatial data.',
    themes: ['housing'],
    places: ['Bavaria', 'Altenbrück'],
    technologies: ['open source', 'geospatial'],
    lead: 'stadt-altenbrueck',
    partners: ['northshire-county-council'],
    team: [['lena-vogel', 'Product owner'], ['priya-natarajan', 'Adviser']],
    links: [['Prototype', 'https://prototype.altenbrueck.example.de/planning']],
  },
  {
    slug: 'adult-social-care-finder',
    name: 'Adult social care finder',
    phase: 'beta',
    summary: 'Helping people and families find care and support services nearby, with up-to-date vacancies published by providers.',
    problem: 'Families searching for care in a crisis rang round dozens of providers because nothing showed who had space.',
    audience: 'Older and disabled people, their families, and hospital discharge teams.',
    lookingFor: 'Care providers to pilot the vacancy feed.',
    themes: ['health', 'housing'],
    places: ['Wales', 'England'],
    technologies: ['open data', 'API'],
    lead: 'riverside-health-board',
    partners: ['northshire-county-council'],
    team: [['hannah-price', 'Product manager'], ['sam-admin', 'Technical architect']],
    links: [['Service', 'https://care.riverside-health.example.wales']],
  },
  {
    slug: 'open-source-case-management',
    name: 'Open-source case management',
    phase: 'live',
    summary: 'A case management toolkit for regional services, built once and shared under an open licence by three Nordic regions.',
    problem: 'Each region paid for its own closed case system and could not change it without the vendor.',
    audience: 'Caseworkers in social services and the regional IT teams who support them.',
    lookingFor: 'Regions outside the Nordics who want to join the steering group.',
    themes: ['health', 'employment'],
    places: ['Sweden', 'Västerholm'],
    technologies: ['open source'],
    lead: 'region-vasterholm',
    partners: ['open-state-university'],
    team: [['tomas-lindqvist', 'Product owner'], ['marco-bellini', 'Developer']],
    links: [['Source code', 'https://git.example.org/nordic-case/toolkit'], ['Documentation', 'https://docs.vasterholm.example.se/case']],
  },
  {
    slug: 'climate-action-tracker',
    name: 'Climate action tracker',
    phase: 'discovery',
    summary: 'Exploring how a region could publish its climate commitments and progress as open data residents can follow and question.',
    problem: 'Climate plans are published as long PDFs, and nobody can tell which actions are on track.',
    audience: 'Residents, councillors and local climate groups.',
    lookingFor: 'Other regions publishing climate targets as data, and a data visualisation designer.',
    themes: ['environment', 'open data', 'democratic participation'],
    places: ['Sweden', 'Tuscany'],
    technologies: ['open data'],
    lead: 'region-vasterholm',
    partners: ['comune-di-valdoro'],
    team: [['tomas-lindqvist', 'Discovery lead'], ['marco-bellini', 'Data designer']],
    links: [],
  },
  {
    slug: 'citizens-assembly-toolkit',
    name: 'Citizens’ assembly toolkit',
    phase: 'alpha',
    summary: 'An open toolkit for running a small citizens’ assembly: recruitment by lottery, briefing packs, facilitation guides and publishing the results.',
    problem: 'Small municipalities want to run assemblies but cannot afford specialist organisers.',
    audience: 'Municipal staff and civil society groups organising deliberative events.',
    lookingFor: 'Facilitators who have run assemblies, and translators for the guides.',
    themes: ['democratic participation', 'environment'],
    places: ['Tuscany', 'Italy'],
    technologies: ['open source'],
    lead: 'comune-di-valdoro',
    partners: ['open-state-university', 'stadt-altenbrueck'],
    team: [['marco-bellini', 'Project lead'], ['lena-vogel', 'Facilitation adviser']],
    links: [['Guides', 'https://valdoro.example.it/assemblea']],
  },
  {
    slug: 'legacy-payments-retirement',
    name: 'Legacy payments retirement',
    phase: 'retired',
    summary: 'Switching off a 1990s payments system and moving its last services to the shared payments platform. Finished and retired; lessons written up.',
    problem: 'The old system cost more each year to keep running and nobody left knew how to change it.',
    audience: 'Finance teams and residents paying for council services.',
    lookingFor: '',
    themes: ['open data'],
    places: ['Northshire'],
    technologies: ['legacy systems'],
    lead: 'northshire-county-council',
    partners: [],
    team: [['priya-natarajan', 'Delivery manager'], ['sam-admin', 'Technical lead']],
    links: [['Lessons learned', 'https://northshire.example.gov.uk/blog/legacy-payments']],
  },
]

const CONFIRMED = { status: 'confirmed' as const, requestedBy: null, confirmedBy: null }

/** Seeds the demo projects (organisations and people come from earlier seeds). */
export async function seedProjects({ db }: SeedContext): Promise<void> {
  const orgs = await organisationsBySlugs(db, ANONYMOUS, DEMO_PROJECTS.flatMap((p) => [p.lead, ...p.partners, ...(p.proposedPartner ? [p.proposedPartner] : [])]))
  const handles = [...new Set(DEMO_PROJECTS.flatMap((p) => p.team.map(([h]) => h)))]
  const people = await peopleByHandles(db, handles)
  const idOf = new Map([...people.values()].map((p) => [p.handle, p.id]))
  const base = Date.parse('2026-03-02T09:00:00.000Z')
  for (const [i, p] of DEMO_PROJECTS.entries()) {
    const created = new Date(base + i * 86_400_000 * 5).toISOString()
    const updated = new Date(base + i * 86_400_000 * 5 + 86_400_000 * ((i * 7) % 30)).toISOString()
    const row: ProjectRow = {
      id: newId(),
      slug: p.slug,
      name: p.name,
      summary: p.summary,
      problem: p.problem,
      audience: p.audience,
      phase: p.phase,
      looking_for: p.lookingFor,
      country_code: orgs.get(p.lead)?.country_code ?? '',
      city_id: cityOf(orgs.get(p.lead)?.country_code ?? '', DEMO_CITIES[p.slug]),
      confirmed_at: null,
      nudged_at: null,
      phase_changed_at: created,
      revision: 0,
      space_id: null,
      hidden_at: null,
      created_by: idOf.get(p.team[0]![0]) ?? null,
      created_at: created,
      updated_at: updated,
    }
    const tags = { theme: p.themes, place: p.places, technology: p.technologies }
    const proposed = p.proposedPartner ? orgs.get(p.proposedPartner) : undefined
    await insertProject(db, row)
    await replaceProjectParts(
      db,
      row.id,
      {
        tags: (['theme', 'place', 'technology'] as const).flatMap((kind) => tags[kind].map((value) => ({ kind, value }))),
        organisations: [
          // Demo links are confirmed, as if each organisation's admins had agreed.
          ...(orgs.has(p.lead) ? [{ organisationId: orgs.get(p.lead)!.id, role: 'lead' as const, ...CONFIRMED }] : []),
          ...p.partners.filter((s) => orgs.has(s)).map((s) => ({ organisationId: orgs.get(s)!.id, role: 'partner' as const, ...CONFIRMED })),
          ...(proposed ? [{ organisationId: proposed.id, role: 'partner' as const, status: 'proposed' as const, requestedBy: row.created_by, confirmedBy: null }] : []),
        ],
        team: p.team.flatMap(([h, role]) => (idOf.has(h) ? [{ userId: idOf.get(h)!, role }] : [])),
        links: p.links.map(([label, url]) => ({ label, url })),
      },
      created,
    )
    await indexProject(db, row, tags)
    // One proposal waiting for an organisation's admins, so the confirmation step shows on first start.
    if (proposed) {
      await notifyOrganisationAdmins(db, proposed.id, { kind: 'organisation_request', text: `“${p.name}” names ${proposed.name} as a lead or partner organisation: confirm or decline`, url: `/organisations/${p.proposedPartner}#requests`, spaceId: null }, row.created_by)
    }
  }
}
