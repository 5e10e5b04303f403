/**
 * How the leak matrix judges one response, both ways: an allowed reader sees the item (status and
 * its marker), a reader who may not see something finds no trace of it anywhere in the body (words,
 * ids, counts), and the headers never let a shared cache hand one reader's response to another.
 */
import type { LightMyRequestResponse } from 'fastify'
import { mayFind, mayList, mayView, platformAdmin, signedOut, type ActorName, type Fixture, type Relation } from './oracle.ts'
import type { Entry } from './urls.ts'

/** Lists of people: the directory, its API, the sitemap and search list only people who chose to be. */
const PEOPLE_LISTS = new Set(['/people', '/api/v1/people', '/sitemap.xml', '/search'])
/** Marker words (see oracle.ts) as whole words: a random token (a CSRF token, an id) never counts as one. */
const MARKER = /(?<![A-Za-z0-9])zq[a-z]+?x(?![A-Za-z0-9])/g

export interface Context {
  fixtures: Fixture[]
  relations: Relation[]
  baseUrl: string
  /** Search document type → the label of its filter on the search page. */
  searchLabels: Map<string, string>
  /** Which fixture each marker word belongs to. */
  owners: Map<string, Fixture>
}

export function makeContext(fixtures: Fixture[], relations: Relation[], baseUrl: string, searchLabels: Map<string, string>): Context {
  const owners = new Map<string, Fixture>()
  for (const f of fixtures) for (const w of f.words) owners.set(w, f)
  return { fixtures, relations, baseUrl, searchLabels, owners }
}

/** Every marker word in a text. */
export const markersIn = (text: string): Set<string> => new Set(text.match(MARKER) ?? [])

const location = (res: LightMyRequestResponse) => String(res.headers.location ?? '')
const toSignIn = (res: LightMyRequestResponse) => [302, 303].includes(res.statusCode) && location(res).startsWith('/sign-in')

/** A fixture and what it sits in (a reply's thread): what a report about it names. */
const withContainers = (f: Fixture): Fixture[] => [f, ...(f.facts.within ?? []).flatMap(withContainers)]

/**
 * Where a reader meets something they may not otherwise see, by design:
 * - a report names what it is about, and where, to whoever acts on it (for a platform admin that is
 *   how they reach a trusted space, one item at a time);
 * - platform admins see members-only communities' names (the admin page, the access-as-admin form)
 *   and the audit log's entries (which name spaces and subjects' ids);
 * - an invitation names the community to the invitee (the host chose to tell them), in their notifications;
 * - whoever manages an organisation's members or a project's team sees every member in the form,
 *   with a public presence or not, so they can remove them.
 */
function reach(actor: ActorName, entry: Entry, ctx: Context): { fixtures: Set<Fixture>; ids: boolean } {
  const fixtures = new Set<Fixture>()
  let ids = false
  const reports = entry.pattern === '/moderation/reports/:id' ? [entry.fixture!] : entry.pattern === '/moderation' ? ctx.fixtures.filter((f) => f.facts.report?.open) : []
  for (const r of reports) {
    if (!mayView(actor, r)) continue
    for (const f of withContainers(r.facts.report!.subject)) fixtures.add(f)
    for (const c of ctx.fixtures) if (c.kind === 'community' && c.facts.space === r.facts.space) fixtures.add(c)
  }
  if (platformAdmin(actor) && ['/admin', '/admin/audit', '/communities/:slug/admin-access'].includes(entry.pattern)) {
    for (const f of ctx.fixtures) if (f.kind === 'community') fixtures.add(f)
    ids = entry.pattern === '/admin/audit'
  }
  if (entry.pattern === '/notifications') for (const f of ctx.fixtures) if (f.facts.invited?.includes(actor)) fixtures.add(f)
  const managed = entry.fixture?.facts.managers
  if (['/organisations/:slug/members', '/projects/:slug/edit'].includes(entry.pattern) && (platformAdmin(actor) || managed?.includes(actor))) {
    for (const f of ctx.fixtures) if (f.kind === 'person') fixtures.add(f)
  }
  return { fixtures, ids }
}

/** May this actor meet a trace of this fixture on this URL? People lists hold only listed people (and the header one's own name). */
function mayMeet(actor: ActorName, entry: Entry, f: Fixture): boolean {
  if (PEOPLE_LISTS.has(entry.pattern) && f.kind === 'person') return mayList(actor, f) || f.facts.person?.self === actor
  return mayView(actor, f)
}

/** The same question with the by-design reach above: what the trace check applies. */
export function mayMeetOn(ctx: Context, actor: ActorName, entry: Entry, f: Fixture): boolean {
  return mayMeet(actor, entry, f) || reach(actor, entry, ctx).fixtures.has(f)
}

/** Every problem with one response; empty when it is right. */
export function judge(ctx: Context, actor: ActorName, entry: Entry, res: LightMyRequestResponse): string[] {
  const problems: string[] = []
  const where = `${actor} GET ${entry.url} → ${res.statusCode}`
  const body = res.body
  if (res.statusCode >= 500) return [`${where}: server error`]

  // Headers: a response that may depend on who is signed in never goes to a shared cache as public.
  const cacheControl = String(res.headers['cache-control'] ?? '').toLowerCase()
  const vary = String(res.headers.vary ?? '').toLowerCase()
  if (!signedOut(actor)) {
    if (/\bpublic\b/.test(cacheControl)) problems.push(`${where}: signed-in response sent with Cache-Control “${cacheControl}”`)
    if (!/\b(private|no-store)\b/.test(cacheControl) && !/\bcookie\b/.test(vary)) problems.push(`${where}: signed-in response without Cache-Control private/no-store or Vary: Cookie`)
  }
  if (/\bpublic\b/.test(cacheControl) && !/\bcookie\b|\*/.test(vary)) problems.push(`${where}: Cache-Control public without Vary: Cookie`)

  // No trace of anything the reader may not see: its words (markers) and the ids in its URLs.
  const allowed = reach(actor, entry, ctx)
  for (const word of markersIn(body)) {
    const f = ctx.owners.get(word)
    if (!f) problems.push(`${where}: unknown marker ${word} (a fixture's words are incomplete)`)
    else if (!mayMeet(actor, entry, f) && !allowed.fixtures.has(f)) problems.push(`${where}: shows ${word} (${f.label})`)
  }
  for (const f of ctx.fixtures) {
    if (f.ids.length === 0 || mayMeet(actor, entry, f) || allowed.fixtures.has(f) || allowed.ids) continue
    for (const id of f.ids) if (body.includes(id)) problems.push(`${where}: shows the id of ${f.label}`)
  }
  for (const rel of ctx.relations) {
    const about = (entry.fixture && rel.about.includes(entry.fixture)) || rel.lists.includes(entry.url)
    if (about && !rel.mayShow.includes(actor) && body.includes(rel.word)) problems.push(`${where}: shows ${rel.label} (${rel.word})`)
    if (rel.shownTo.url === entry.url && rel.shownTo.actors.includes(actor) && !body.includes(rel.word)) problems.push(`${where}: does not show ${rel.label} (${rel.word}) to whom it concerns`)
  }

  // The subject the URL names: an allowed reader gets it, anyone else a 404.
  const f = entry.fixture
  if (f) {
    const may = mayView(actor, f) || allowed.fixtures.has(f)
    if (entry.via === 'filter') {
      if (may && res.statusCode !== 200) problems.push(`${where}: expected 200 for ${f.label}`)
      if (!may && ![200, 404].includes(res.statusCode)) problems.push(`${where}: expected 404 (or a list without it) for ${f.label}`)
    } else if (!may) {
      // Signed-out readers of forms are sent to sign in before anything is looked up: that reveals nothing.
      const signIn = signedOut(actor) && toSignIn(res) && (entry.serves === 'form' || f.kind === 'report')
      if (res.statusCode !== 404 && !signIn) problems.push(`${where}: expected 404 for ${f.label}`)
    } else if (f.kind === 'image') {
      // An image carries no words: an allowed reader gets the image itself.
      if (res.statusCode !== 200 || !String(res.headers['content-type']).startsWith('image/')) problems.push(`${where}: expected the image of ${f.label}`)
    } else if (['page', 'feed', 'api', 'file'].includes(entry.serves) || f.kind === 'report') {
      if (res.statusCode !== 200) problems.push(`${where}: expected 200 for ${f.label}`)
      else if (!body.includes(f.marker)) problems.push(`${where}: an allowed reader does not see ${f.label} (${f.marker})`)
    } else if (entry.serves === 'redirect' && ![301, 302, 303].includes(res.statusCode)) {
      problems.push(`${where}: expected a redirect for ${f.label}`)
    }
  }

  // Panels, replies, comments and libraries: what a reader may see shows where it belongs.
  if (res.statusCode === 200) {
    for (const g of ctx.fixtures) if (g.shownOn?.includes(entry.url) && mayView(actor, g) && !body.includes(g.marker)) problems.push(`${where}: does not show ${g.label} (${g.marker})`)
  }

  // Lists: the directory its listed people; search counts only what the reader may find (the sitemap: judgeSitemap).
  if (entry.url === '/people' || entry.url === '/api/v1/people') {
    for (const g of ctx.fixtures) if (g.kind === 'person' && mayList(actor, g) && !body.includes(g.marker)) problems.push(`${where}: does not list ${g.label}`)
  }
  const q = entry.pattern === '/search' ? /[?&]q=([^&]+)/.exec(entry.url)?.[1] : undefined
  if (q) {
    const findable = ctx.fixtures.filter((g) => g.search?.words.some((w) => w.startsWith(q)) && mayFind(actor, g))
    for (const g of findable) if (!body.includes(g.marker)) problems.push(`${where}: search does not find ${g.label}`)
    for (const [type, label] of ctx.searchLabels) {
      const shown = Number(new RegExp(`${label} \\((\\d+)\\)`).exec(body)?.[1] ?? NaN)
      const expected = findable.filter((g) => g.search!.type === type).length
      if (shown !== expected) problems.push(`${where}: search counts ${shown} ${label}, expected ${expected}`)
    }
  }
  return problems
}

/**
 * The sitemap: its index and every part the index names are judged as any response (traces, headers), and
 * together they hold exactly what anonymous readers may list.
 */
export async function judgeSitemap(ctx: Context, actor: ActorName, entry: Entry, index: LightMyRequestResponse, get: (url: string) => Promise<LightMyRequestResponse>): Promise<string[]> {
  const problems = judge(ctx, actor, entry, index)
  const where = `${actor} GET ${entry.url} and its parts`
  const parts = [...index.body.matchAll(/<sitemap><loc>([^<]+)<\/loc><\/sitemap>/g)].map((m) => new URL(m[1]!.replace(/&amp;/g, '&')))
  if (index.statusCode !== 200 || parts.length === 0) return [...problems, `${where}: not a sitemap index`]
  let text = ''
  for (const url of parts) {
    const res = await get(url.pathname + url.search)
    problems.push(...judge(ctx, actor, { ...entry, url: url.pathname + url.search }, res))
    text += res.body
  }
  for (const g of ctx.fixtures) {
    if (!g.path) continue
    const listed = text.includes(`<loc>${ctx.baseUrl}${g.path}</loc>`)
    if (listed !== mayList('anonymous', g)) problems.push(`${where}: ${listed ? 'lists' : 'does not list'} ${g.label} (${g.path})`)
  }
  return problems
}
