import type { SeedContext } from '../../core/module.ts'
import type { Db } from '../../core/db/database.ts'
import { ANONYMOUS, type Actor } from '../../core/access/policy.ts'
import { peopleByHandles } from '../accounts/accounts.ts'
import { organisationsBySlugs } from '../organisations/organisations.ts'
import { listPosts } from '../posts/posts.ts'
import { castVote, commentOnAmendment, decideAmendment, proposeAmendment, type AmendmentRow } from './amendments.ts'
import { addEditor, createCharter, publishCharter, reloadCharter, type CharterRow } from './charters.ts'
import { linkProgressPost, volunteerAsPilot } from './pilots.ts'
import { findPilot } from './pilots.queries.ts'
import { confirmSignature, signCharter } from './signatures.ts'
import { findSignature } from './signatures.queries.ts'
import { currentSections } from './versions.ts'

// Fictional demo content written for Openly: two charters, one signed and piloted, one still being drafted.

const OPEN_WORKING = {
  title: 'Open Working Charter',
  introduction:
    'Public services get better when the people building them work where others can see, learn and help. This charter is what we commit to, as organisations and as people, so that working in the open becomes the normal way of working rather than the brave exception.\n\nIt was drafted on Openly by people from councils, health boards, charities and universities, one amendment at a time.',
  sections: `## Work in the open by default
We publish what we are doing while we do it: short weeknotes, our plans and what we learned, where anyone can read them. We keep things private only when there is a clear reason, and we say what the reason is.

## Share what we make
Code, designs, research findings and templates that public money paid for are published under an open licence, so that other public bodies can reuse them instead of paying for them again.

## Show our mistakes as well as our successes
We write about what did not work. A mistake shared early saves another team months.

## Ask for help early
We say what we are stuck on and what skills we are missing, so that people elsewhere can offer help before a problem grows.

## Make it easy to join in
Our updates use plain words, work without special software and can be followed by feed or e-mail. Anyone can comment, and we reply.

## Measure and report progress
Once a year each signatory organisation reports, in the open, how it is keeping these commitments, what got in the way and what it will change.`,
}

const SHARED_CODE = {
  title: 'Charter for Shared Public Code',
  introduction: 'A draft charter for public bodies that want to build software once and share it. It is open for amendments: propose a change to any section, comment, and vote on others’ proposals.',
  sections: `## Open source by default
New code written for a public service is published in a public repository from its first day, unless publishing it would put people at risk.

## Choose licences others can use
We release code under a licence approved by the Open Source Initiative, so that any public body can reuse it without asking.

## Write for the next team
Every repository explains what the code does, how to run it and who looks after it, in plain words.

## Reuse before we build
Before building something new, we look for code another public body has already shared, and we contribute our improvements back.

## Keep secrets out of code
Passwords, keys and personal data never go into a repository. We check for them automatically.`,
}

const actor = (userId: string, isAdmin = false): Actor => ({ userId, isAdmin })

/** Seeds the two demo charters with their amendments, votes, comments, signatures and pilots. */
export async function seedCharters({ db }: SeedContext): Promise<void> {
  const handles = ['sam-admin', 'priya-natarajan', 'tomas-lindqvist', 'aoife-brennan', 'kwame-mensah', 'lena-vogel', 'marco-bellini', 'hannah-price', 'jordan-reyes']
  const people = await peopleByHandles(db, handles)
  const id = (handle: string) => people.get(handle)?.id
  const sam = id('sam-admin')
  if (!sam || !id('priya-natarajan')) return // accounts' demo people are not there
  const who = (handle: string) => actor(id(handle)!, handle === 'sam-admin')
  const name = (handle: string) => people.get(handle)!.name
  const orgs = await organisationsBySlugs(db, ANONYMOUS, ['northshire-county-council', 'riverside-health-board', 'civic-data-lab', 'region-vasterholm', 'department-of-open-services'])
  const org = (slug: string) => orgs.get(slug)!

  await seedOpenWorking(db, who, name, org)
  await seedSharedCode(db, who, name)
}

type Who = (handle: string) => Actor
type Name = (handle: string) => string

async function sectionId(db: Db, charter: CharterRow, heading: string): Promise<string> {
  return (await currentSections(db, await reloadCharter(db, charter.id))).find((s) => s.heading === heading)!.sectionId
}

async function propose(db: Db, by: Actor, charter: CharterRow, input: { kind: 'change' | 'add' | 'delete'; section?: string; after?: string; heading?: string; body?: string; reason: string }): Promise<AmendmentRow> {
  return proposeAmendment(db, by, charter, { kind: input.kind, section: input.section ?? '', after: input.after ?? '', heading: input.heading ?? '', body: input.body ?? '', reason: input.reason })
}

/** The published charter: an amendment accepted while drafting, signatures, a later change some have confirmed, two pilots. */
async function seedOpenWorking(db: Db, who: Who, name: Name, org: (slug: string) => { id: string; slug: string }): Promise<void> {
  let charter = await createCharter(db, who('sam-admin'), { title: OPEN_WORKING.title, introduction: OPEN_WORKING.introduction, sections: OPEN_WORKING.sections })
  await addEditor(db, who('sam-admin'), charter, 'priya-natarajan')
  const mistakes = await propose(db, who('hannah-price'), charter, {
    kind: 'change',
    section: await sectionId(db, charter, 'Show our mistakes as well as our successes'),
    body: 'We write about what did not work, as openly as about what did. A mistake shared early saves another team months, and nobody is blamed for sharing one.',
    reason: 'People will only share mistakes if they are sure they will not be blamed for it. We learned this the hard way in our clinical incident reviews.',
  })
  for (const h of ['aoife-brennan', 'kwame-mensah', 'lena-vogel']) await castVote(db, who(h), charter, mistakes, 'for')
  await commentOnAmendment(db, who('kwame-mensah'), charter, mistakes, { comment: 'Strongly agree. Blameless write-ups are what made our team comfortable writing weeknotes at all.' }, name('kwame-mensah'))
  await decideAmendment(db, who('priya-natarajan'), charter, mistakes, { decision: 'accept', reply: 'Thank you, Hannah: an important addition.' })
  charter = await reloadCharter(db, charter.id)
  await publishCharter(db, who('sam-admin'), charter)
  charter = await reloadCharter(db, charter.id)

  const v = () => String(charter.current_version)
  const signed: Array<{ id: string; by: string }> = []
  const orgSign = async (by: string, slug: string, commitment: string) => {
    const s = await signCharter(db, who(by), charter, { signatory: org(slug).id, commitment, show_name: '', version: v() }, name(by))
    signed.push({ id: s.id, by })
  }
  await orgSign('priya-natarajan', 'northshire-county-council', 'We will publish weeknotes for every digital project, and share our service patterns with the other councils in the region.')
  await orgSign('kwame-mensah', 'civic-data-lab', 'We will publish all our tools under open licences and run a monthly open data clinic for public bodies.')
  await orgSign('hannah-price', 'riverside-health-board', 'We will publish our patient letter research, in Welsh and English, within a month of each round.')
  await orgSign('tomas-lindqvist', 'region-vasterholm', 'We will share our case management components with the other Nordic regions and report our progress each spring.')
  await signCharter(db, who('lena-vogel'), charter, { signatory: 'person', commitment: 'I will write weeknotes about the participation lab, including the experiments that fail.', show_name: 'yes', version: v() }, name('lena-vogel'))
  await signCharter(db, who('marco-bellini'), charter, { signatory: 'person', commitment: '', show_name: 'yes', version: v() }, name('marco-bellini'))
  await signCharter(db, who('jordan-reyes'), charter, { signatory: 'person', commitment: 'I will share what I learn from user research.', show_name: 'no', version: v() }, name('jordan-reyes'))

  // A change after publication: signatories are asked to review it; some have confirmed, the others have not yet.
  const help = await propose(db, who('aoife-brennan'), charter, {
    kind: 'change',
    section: await sectionId(db, charter, 'Ask for help early'),
    body: 'We say what we are stuck on and what skills we are missing, so that people elsewhere can offer help before a problem grows. When others ask us for help, we answer, even if only to point them to someone who can.',
    reason: 'Asking is only half of it: the charter should also commit us to answering.',
  })
  await castVote(db, who('marco-bellini'), charter, help, 'for')
  await castVote(db, who('tomas-lindqvist'), charter, help, 'for')
  await decideAmendment(db, who('sam-admin'), charter, help, { decision: 'accept', reply: 'Agreed: help goes both ways.' })
  charter = await reloadCharter(db, charter.id)
  for (const s of signed.filter((x) => x.by === 'priya-natarajan' || x.by === 'kwame-mensah')) {
    const row = (await findSignature(db, s.id))!
    await confirmSignature(db, who(s.by), charter, row, { commitment: row.commitment, version: v() })
  }

  // Two pilots, each with its latest weeknotes linked as progress.
  for (const [by, slug, goals] of [
    ['priya-natarajan', 'northshire-county-council', 'Try the charter in two service teams (school transport and bin collections) for six months.\n\nBy the end, every team publishes fortnightly weeknotes and one reusable pattern.'],
    ['kwame-mensah', 'civic-data-lab', 'Work with three partner councils to publish their spending data openly, and write up what got in the way.'],
  ] as const) {
    await volunteerAsPilot(db, who(by), charter, { organisation: org(slug).id, contact: by, goals })
    const pilot = (await findPilot(db, charter.id, org(slug).id))!
    const { items } = await listPosts(db, ANONYMOUS, { organisationId: org(slug).id, limit: 2 })
    for (const post of items.reverse()) await linkProgressPost(db, who(by), charter, pilot, post.url)
  }
}

/** The charter in drafting: open amendments with votes and comments (one needing an update), accepted and rejected ones. */
async function seedSharedCode(db: Db, who: Who, name: Name): Promise<void> {
  let charter = await createCharter(db, who('sam-admin'), { title: SHARED_CODE.title, introduction: SHARED_CODE.introduction, sections: SHARED_CODE.sections })
  await addEditor(db, who('sam-admin'), charter, 'kwame-mensah')
  const openSource = await sectionId(db, charter, 'Open source by default')
  const licences = await sectionId(db, charter, 'Choose licences others can use')
  const reuse = await sectionId(db, charter, 'Reuse before we build')

  // Open, but it needs updating: written against the licence section's first text, which amendment 2 then replaced.
  await propose(db, who('lena-vogel'), charter, {
    kind: 'change',
    section: licences,
    body: 'We release code under an open licence approved by the Open Source Initiative, so that any public body or citizen can reuse it without asking.',
    reason: 'Citizens reuse public code too.',
  })
  // Accepted: a clearer licence section.
  const licence = await propose(db, who('marco-bellini'), charter, {
    kind: 'change',
    section: licences,
    body: 'We release code under a licence approved by the Open Source Initiative, and we prefer the licences other public bodies in our country already use, so that reuse needs no lawyer.',
    reason: 'Using the same licences as our neighbours removes the last excuse for not reusing code.',
  })
  await castVote(db, who('tomas-lindqvist'), charter, licence, 'for')
  await castVote(db, who('lena-vogel'), charter, licence, 'for')
  await decideAmendment(db, who('kwame-mensah'), charter, licence, { decision: 'accept', reply: 'Good point, thank you.' })
  charter = await reloadCharter(db, charter.id)

  // Rejected, with a reply.
  const rejected = await propose(db, who('jordan-reyes'), charter, { kind: 'delete', section: await sectionId(db, charter, 'Write for the next team'), reason: 'Documentation is already expected of every project; this section repeats it.' })
  await castVote(db, who('priya-natarajan'), charter, rejected, 'against')
  await decideAmendment(db, who('sam-admin'), charter, rejected, { decision: 'reject', reply: 'We keep it: in practice many public repositories still have no README, so saying it matters.' })

  // Open, with votes both ways and a discussion.
  const firstDay = await propose(db, who('aoife-brennan'), charter, {
    kind: 'change',
    section: openSource,
    body: 'New code written for a public service is published in a public repository from its first day. Code is kept private only when publishing it would put people at risk, and the team says so in the open.',
    reason: 'Saying that we explain our exceptions makes the default stronger.',
  })
  for (const [h, vote] of [['priya-natarajan', 'for'], ['kwame-mensah', 'for'], ['hannah-price', 'against']] as const) await castVote(db, who(h), charter, firstDay, vote)
  await commentOnAmendment(db, who('hannah-price'), charter, firstDay, { comment: 'In health, some code touches clinical safety cases. Could we say that publishing can wait until the safety case is signed off?' }, name('hannah-price'))
  await commentOnAmendment(db, who('aoife-brennan'), charter, firstDay, { comment: 'That would fit under “put people at risk”, I think, as long as the team says so. Happy to add an example.' }, name('aoife-brennan'))

  // Open: a new section, proposed after "Reuse before we build".
  const fund = await propose(db, who('tomas-lindqvist'), charter, {
    kind: 'add',
    after: reuse,
    heading: 'Fund the code we depend on',
    body: 'When our services depend on shared public code, we set aside time or money to help maintain it.',
    reason: 'Shared code needs maintainers. Reuse without contribution leaves one team carrying everyone.',
  })
  await castVote(db, who('marco-bellini'), charter, fund, 'for')
}
