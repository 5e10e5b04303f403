import type { SeedContext } from '../../core/module.ts'
import { peopleByHandles } from '../accounts/accounts.ts'
import { createOrganisation } from '../organisations/organisations.ts'
import { backdateProjects, createProject } from '../projects/projects.ts'
import type { Db } from '../../core/db/database.ts'

/** Demo organisations beyond the organisations module's own: enough places for the map (real cities, from the bundled gazetteer) and partners for the network. */
const PLACES: Array<[country: string, region: string, town: string]> = [
  ['DE', 'Bavaria', 'Regensburg'], ['FR', 'Brittany', 'Rennes'], ['NL', 'Utrecht', 'Amersfoort'], ['ES', 'Catalonia', 'Girona'],
  ['IT', 'Emilia-Romagna', 'Bologna'], ['PT', 'Braga', 'Braga'], ['DK', 'Central Denmark', 'Aarhus'], ['FI', 'Uusimaa', 'Espoo'],
  ['EE', 'Harju', 'Tallinn'], ['PL', 'Lesser Poland', 'Kraków'], ['CA', 'Ontario', 'Kingston'], ['NZ', 'Wellington', 'Lower Hutt'],
  ['GB', 'Scotland', 'Dundee'], ['IE', 'Munster', 'Cork'], ['SE', 'Skåne', 'Lund'],
]
const KINDS = [
  { type: 'local government', name: (t: string) => `${t} City Council` },
  { type: 'university', name: (t: string) => `${t} Civic Tech Lab` },
]

/** Shared challenges: projects on one challenge in different places are each other's "similar work". */
const CHALLENGES = [
  { theme: 'transport', tech: 'open data', name: 'Bus stop accessibility audit', summary: 'Volunteers and staff survey bus stops for step-free access and publish the results as open data.' },
  { theme: 'housing', tech: 'open source', name: 'Repairs request tracker', summary: 'Tenants report repairs online and follow each request until it is fixed.' },
  { theme: 'health', tech: 'user research', name: 'Waiting list letters', summary: 'Plain-language letters that tell patients where they are on a waiting list and what to do meanwhile.' },
  { theme: 'environment', tech: 'sensors', name: 'Street tree watering map', summary: 'Residents adopt young street trees and log watering in a shared map during dry spells.' },
  { theme: 'digital inclusion', tech: 'open source', name: 'Device lending library', summary: 'Refurbished laptops lent through public libraries, with help to get online.' },
  { theme: 'democratic participation', tech: 'open source', name: 'Participatory budget platform', summary: 'Residents propose and vote on how part of the local budget is spent.' },
]
const PHASES = ['discovery', 'alpha', 'beta', 'live', 'retired'] as const

/** Seeds 30 organisations in 15 countries and 60 projects on six shared challenges, some left stale. */
export async function seedDirectory({ db }: SeedContext): Promise<void> {
  // One demo person adds them all, as an admin of each: their partnerships are confirmed from the start.
  const author = [...(await peopleByHandles(db, ['priya-natarajan'])).values()][0]
  if (!author) return
  const actorOf = (_i: number) => ({ userId: author.id, isAdmin: false })
  const orgs: Array<{ name: string; country: string; region: string; town: string }> = []
  for (const [p, [country, region, town]] of PLACES.entries()) {
    for (const [k, kind] of KINDS.entries()) {
      const name = kind.name(town)
      await createOrganisation(db, actorOf(p + k), { name, type: kind.type, country, region, city: town, website: `https://${town.toLowerCase().replace(/[^a-z]/g, '')}${k ? '-lab' : ''}.example.org`, identifier: '', description: `${name} works in the open with neighbours across ${region}.`, themes: [CHALLENGES[(p + k) % CHALLENGES.length]!.theme, CHALLENGES[(p + k + 2) % CHALLENGES.length]!.theme] })
      orgs.push({ name, country, region, town })
    }
  }
  let n = 0
  for (const [i, o] of orgs.entries()) {
    for (const c of [CHALLENGES[i % CHALLENGES.length]!, CHALLENGES[(i + 3) % CHALLENGES.length]!]) {
      // Each project has a partner in another country, so the network has cross-border links.
      const partner = orgs[(i + 7) % orgs.length]!
      await createProject(db, actorOf(i), { name: `${c.name} ${o.town}`, summary: c.summary, phase: PHASES[n % PHASES.length]!, problem: '', audience: '', looking_for: n % 3 ? '' : 'Partners who tried this elsewhere', themes: [c.theme], places: [o.region], technologies: [c.tech], country: '', city: o.town, lead_organisation: o.name, partner_organisations: [partner.name], links: '', team: '' })
      n++
    }
  }
  // Some entries have not been touched for a long time: "may be out of date" on first start.
  await markStale(db, orgs.slice(0, 4).map((o) => o.town))
}

async function markStale(db: Db, towns: string[]): Promise<void> {
  await backdateProjects(db, towns.flatMap((t) => CHALLENGES.map((c) => `${c.name} ${t}`)), '2024-06-01T09:00:00.000Z')
}
