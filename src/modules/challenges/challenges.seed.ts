import type { SeedContext } from '../../core/module.ts'
import type { Actor } from '../../core/access/policy.ts'
import { scheduleChanges } from '../../core/cache/schedule.ts'
import { peopleByHandles } from '../accounts/accounts.ts'
import { organisationsBySlugs } from '../organisations/organisations.ts'
import { createChallenge, type ChallengeRow } from './challenges.ts'
import { challengeFacts, ideaFacts } from './challenges.policy.ts'
import { updateChallengeRow } from './challenges.queries.ts'
import { decideIdea, ideaToProject, reviewIdea, submitIdea, voteOnIdea } from './ideas.ts'
import { updateIdeaRow, type IdeaRow } from './ideas.queries.ts'
import { DATE_FIELDS } from './phases.ts'

// Demo content written for Openly: one challenge taking ideas now (a dozen ideas with votes), and one closed
// challenge whose winners were announced, one of them now a project. Made through the use cases, as people would.

const DAY = 86_400_000
const at = (days: number) => new Date(Date.now() + days * DAY).toISOString()

/** Dates with the given phase current now (days relative to today for each start). */
const DATES = {
  ideas: [-10, 20, 34, 45, 60],
  review: [-40, -5, 10, 20, 30],
  shortlist: [-50, -20, -2, 10, 20],
  closed: [-120, -90, -75, -60, -30],
}
async function setDates(db: SeedContext['db'], c: ChallengeRow, phase: keyof typeof DATES): Promise<void> {
  const dates = Object.fromEntries(DATE_FIELDS.map((f, i) => [f, at(DATES[phase][i]!)])) as Record<(typeof DATE_FIELDS)[number], string>
  await updateChallengeRow(db, c.id, dates)
  Object.assign(c, dates)
  await scheduleChanges(db, `challenge:${c.id}`, Object.values(dates))
}

const IDEAS_OPEN: Array<[string, string, string]> = [
  ['priya-natarajan', 'Text the evening before, not the morning of', 'People on assisted collection told us the morning reminder comes after the bin should already be out. A text at 6pm the day before gives carers time to plan.'],
  ['tomas-lindqvist', 'Let crews mark “could not reach” with a reason', 'Crews already know why a bin was missed: a parked car, a locked gate. A reason code on the handheld turns a complaint into a fix we can plan for.'],
  ['aoife-brennan', 'A named contact for every assisted household', 'When something goes wrong, people want one person who knows their situation, not a call centre queue. Pair each household with a named officer.'],
  ['kwame-mensah', 'Publish missed collections as open data each week', 'A weekly file of missed collections by street (no personal data) would let residents, councillors and researchers spot patterns we miss.'],
  ['lena-vogel', 'Route planning that starts with assisted addresses', 'Our routes are planned around lorries. Planning assisted addresses first, then filling the route around them, cut misses in Altenbrück by a third.'],
  ['marco-bellini', 'A QR code on the bin to report a miss', 'Scanning a code on the lid opens a report already filled in with the address and the bin type. No account, no phone call.'],
  ['hannah-price', 'Ask carers what would help, in their own words', 'Before building anything, run six conversations with carers and people who use assisted collection, and publish what we heard.'],
  ['sam-admin', 'Check the register of assisted households twice a year', 'Half of our misses are addresses that are no longer on the list, or people who moved. A twice-yearly check by letter keeps it true.'],
  ['priya-natarajan', 'Show the crew’s progress on a simple map', 'A live map of which streets are done lets people see whether the crew has reached them yet, instead of phoning to ask.'],
  ['tomas-lindqvist', 'A “return visit” slot at the end of every round', 'Keep the last half hour of each round free to go back for the bins that were not out or not reachable the first time.'],
  ['aoife-brennan', 'Reuse the health board’s vulnerable persons list, with consent', 'People already told the health board they need help at home. With their consent, that could put them on assisted collection without another form.'],
  ['kwame-mensah', 'Pay crews for completed assisted collections, not just tonnage', 'What we measure is what gets done. Counting completed assisted collections in the crews’ targets makes them as important as the tonnage.'],
]

export async function seedChallenges({ db }: SeedContext): Promise<void> {
  const handles = ['sam-admin', 'priya-natarajan', 'tomas-lindqvist', 'aoife-brennan', 'kwame-mensah', 'lena-vogel', 'marco-bellini', 'hannah-price']
  const people = await peopleByHandles(db, handles)
  if (people.size < handles.length) return // the accounts seed did not run
  const as = (h: string): Actor & { userId: string } => ({ userId: people.get(h)!.id, isAdmin: false })
  const orgs = await organisationsBySlugs(db, as('priya-natarajan'), ['northshire-county-council', 'department-of-open-services'])
  const northshire = orgs.get('northshire-county-council')
  const dos = orgs.get('department-of-open-services')
  if (!northshire || !dos) return
  const idea = (c: ChallengeRow, who: string, title: string, body: string, coauthors: string[] = []) => submitIdea(db, as(who), c, { title, body, coauthors, attachment_url: '' })
  const facts = (c: ChallengeRow, i: IdeaRow, authors: string[]) => ideaFacts(i, authors.map((h) => people.get(h)!.id), challengeFacts(c))

  // ---------------------------------------------------------------- taking ideas now
  const bins = await createChallenge(db, as('priya-natarajan'), {
    title: 'No missed bins for people on assisted collection',
    summary: 'About 1 in 20 assisted collections in Northshire is missed. Help us get that to none.',
    problem: 'Around 4,000 households in Northshire have an **assisted collection**: a crew fetches the bins from the property because nobody there can bring them to the kerb.\n\nAbout 1 in 20 of those collections is missed. For someone who cannot move a full bin, a missed collection means a fortnight with rubbish in the kitchen.\n\nWe want ideas that make misses rare, and put them right the same day when they happen.',
    audience: 'People on assisted collection and their carers; the crews and the contact centre who take the calls.',
    prize: 'The winning team works with our waste service for a 12-week discovery, with £40,000 and a product manager from the council.',
    themes: ['environment', 'health'],
    organiser: `organisation:${northshire.id}`,
    ideas_open_at: at(-1),
    review_at: at(20),
    shortlist_at: at(34),
    winners_at: at(45),
    closes_at: at(60),
  })
  await setDates(db, bins, 'ideas')
  const binIdeas: IdeaRow[] = []
  for (const [who, title, body] of IDEAS_OPEN) binIdeas.push(await idea(bins, who, title, body))
  // Votes: some ideas have caught on more than others.
  const voters = handles
  for (const [n, i] of binIdeas.entries()) {
    for (const v of voters.slice(0, (n * 5) % 9)) if (v !== IDEAS_OPEN[n]![0]) await voteOnIdea(db, as(v), bins, i, true)
  }
  for (const [n, i] of binIdeas.entries()) await updateIdeaRow(db, i.id, { created_at: at(-9 + n * 0.6), shown_at: i.shown_at && at(-9 + n * 0.6), updated_at: at(-9 + n * 0.6) })

  // ---------------------------------------------------------------- closed, with winners (one became a project)
  const forms = await createChallenge(db, as('aoife-brennan'), {
    title: 'Forms that people finish the first time',
    summary: 'Too many people start our benefit forms and never finish. Show us what would help.',
    problem: 'Four in ten people who start an application for the **Household Support Grant** online never finish it. Many call us instead; some give up.\n\nWe put the problem to everyone: what stops people finishing, and what would help them finish the first time?',
    audience: 'People applying for the Household Support Grant, and the advisers who help them.',
    prize: 'Winners are invited to build their idea with the department’s forms team, as a project on Openly.',
    themes: ['employment', 'democratic participation'],
    organiser: `organisation:${dos.id}`,
    ideas_open_at: at(-1),
    review_at: at(20),
    shortlist_at: at(34),
    winners_at: at(45),
    closes_at: at(60),
  })
  const save = await idea(forms, 'marco-bellini', 'Save and come back, without an account', 'Give every application a short code and a link by e-mail or text, so people can stop when they need a document and pick up where they left off.', ['lena-vogel'])
  const plain = await idea(forms, 'hannah-price', 'Ask one thing per page, in plain words', 'Our form asks up to eight things on a page, in the words of the regulations. One question per page, tested with people who use it, would do more than any new technology.')
  const checker = await idea(forms, 'kwame-mensah', 'A two-minute eligibility check first', 'A short check before the form tells people whether they are likely to qualify, so nobody spends forty minutes on an application they cannot make.')
  for (const v of ['priya-natarajan', 'tomas-lindqvist', 'kwame-mensah', 'hannah-price', 'sam-admin']) await voteOnIdea(db, as(v), forms, save, true)
  for (const v of ['priya-natarajan', 'lena-vogel', 'sam-admin']) await voteOnIdea(db, as(v), forms, plain, true)
  for (const v of ['tomas-lindqvist']) await voteOnIdea(db, as(v), forms, checker, true)
  await setDates(db, forms, 'review')
  await reviewIdea(db, as('aoife-brennan'), facts(forms, save, ['marco-bellini', 'lena-vogel']), save, { score: '5', note: 'Strong: the call centre says “I lost my answers” is the most common reason people phone.' })
  for (const [i, authors] of [[save, ['marco-bellini', 'lena-vogel']], [plain, ['hannah-price']]] as const) await decideIdea(db, as('aoife-brennan'), forms, facts(forms, i, [...authors]), i, { decision: 'shortlist', reason: '' })
  await setDates(db, forms, 'shortlist')
  await decideIdea(db, as('aoife-brennan'), forms, facts(forms, { ...save, status: 'shortlisted' }, ['marco-bellini', 'lena-vogel']), save, { decision: 'winner', reason: 'It answers the most common reason people give up, and it works without an account.' })
  await decideIdea(db, as('aoife-brennan'), forms, facts(forms, { ...plain, status: 'shortlisted' }, ['hannah-price']), plain, { decision: 'winner', reason: 'The simplest change with the largest effect, and it helps every form we have.' })
  await ideaToProject(db, as('aoife-brennan'), forms, facts(forms, { ...save, status: 'winner' }, ['marco-bellini', 'lena-vogel']), save)
  await setDates(db, forms, 'closed')
  await updateChallengeRow(db, forms.id, { created_at: at(-121), updated_at: at(-30) })
}
