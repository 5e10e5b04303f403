import type { SeedContext } from '../../core/module.ts'
import { ANONYMOUS, type Actor } from '../../core/access/policy.ts'
import { peopleByHandles } from '../accounts/accounts.ts'
import { organisationsBySlugs } from '../organisations/organisations.ts'
import { charterSections } from '../charters/charters.ts'
import { createEntry, saveEdit, type EntryRow, type WikiKind } from './barriers.ts'
import { endorse } from './endorsements.ts'
import { linkEntries, linkProject, linkSection } from './links.ts'

// Fictional demo content written for Openly: barriers to working in the open and solutions that worked
// somewhere, each written by one person and improved by others, linked, endorsed, and tied to the Open
// Working Charter's sections and to the demo projects that used them.

interface DemoPage {
  key: string
  by: string
  title: string
  themes: string
  body: string
  /** Later edits: who, what they added to the end of the text, and why. */
  edits: Array<[by: string, addition: string, summary: string]>
  /** Endorsements: a person's handle, or `handle@organisation-slug` for an organisation through its admin. */
  endorsed: Array<[who: string, note: string]>
}

const BARRIERS: DemoPage[] = [
  {
    key: 'photos',
    by: 'hannah-price',
    title: 'Staff cannot upload photos to forums',
    themes: 'security, tools',
    body: 'Clinical and council networks block image uploads to most websites, so a team cannot share a photo of a whiteboard, a sketch or a paper prototype on a community forum.\n\nPeople end up describing pictures in words, or sending them from their own phones, which breaks the organisation’s own rules.',
    edits: [
      ['marco-bellini', 'The block is usually a web filter category ("file sharing"), not a deliberate decision about forums. Asking for one site to be allowed is often quicker than people expect.', 'Where the block comes from'],
      ['aoife-brennan', 'Check whether the photo shows anyone’s face or personal data before asking for an exception: that is the first question the security team will ask.', 'What security will ask'],
    ],
    endorsed: [['kwame-mensah', 'Same on the university network.'], ['priya-natarajan@northshire-county-council', 'Every team in the council hits this.'], ['lena-vogel', '']],
  },
  {
    key: 'procurement',
    by: 'aoife-brennan',
    title: 'Buying a small tool takes months',
    themes: 'procurement',
    body: 'A team that wants a £20-a-month tool for a trial has to go through the same procurement route as a large contract. By the time it is approved, the trial is over.\n\nSo teams either give up on trying new ways of working or pay for tools personally.',
    edits: [
      ['tomas-lindqvist', 'In Vasterholm the threshold for a simple purchase is lower than most teams think: the problem is often that nobody knows the quick route exists.', 'The quick route often exists'],
      ['aoife-brennan', 'Shared frameworks between organisations help: one council buys, others call off the same agreement.', 'Shared frameworks'],
    ],
    endorsed: [['tomas-lindqvist@region-vasterholm', 'We see this in every region.'], ['jordan-reyes', ''], ['hannah-price', 'In health too.']],
  },
  {
    key: 'approval',
    by: 'priya-natarajan',
    title: 'Every blog post needs sign-off from communications',
    themes: 'culture, communications',
    body: 'Weeknotes and blog posts wait days or weeks for the communications team, who treat them like press releases. Teams stop writing because the notes are out of date before they are published.',
    edits: [
      ['jordan-reyes', 'Communications teams are usually worried about surprises, not about the writing itself. Telling them what is coming, and agreeing what needs their eye, lowers the stakes.', 'What comms worry about'],
      ['priya-natarajan', 'A simple rule helps: weeknotes about our own work need no sign-off; anything about policy or named people does.', 'A rule that worked for us'],
    ],
    endorsed: [['priya-natarajan@northshire-county-council', 'This was us until last year.'], ['marco-bellini', ''], ['aoife-brennan', 'Still true in some departments.']],
  },
  {
    key: 'code',
    by: 'marco-bellini',
    title: 'Code cannot be published without a legal review',
    themes: 'open source, legal',
    body: 'Publishing a repository needs a legal opinion on licensing and intellectual property, and the legal team has no capacity for it. Code that public money paid for stays private by default.',
    edits: [
      ['lena-vogel', 'Most of the questions are the same every time. A standard note, agreed once with legal, covers the common case of code written by staff or by suppliers under standard terms.', 'A standard legal note'],
      ['kwame-mensah', 'Ask suppliers to publish under an open licence in the contract itself, so the question never comes up afterwards.', 'Put it in the contract'],
    ],
    endorsed: [['kwame-mensah@civic-data-lab', 'We help councils with exactly this.'], ['tomas-lindqvist', ''], ['sam-admin', 'Seen it more than once.']],
  },
  {
    key: 'silos',
    by: 'tomas-lindqvist',
    title: 'Teams in different organisations cannot share a workspace',
    themes: 'tools, collaboration',
    body: 'Each organisation has its own document and chat tools, and guests from other organisations are blocked or need an account request that takes weeks. Joint projects end up working over e-mail attachments.',
    edits: [
      ['aoife-brennan', 'Even when guest access is allowed, nobody owns the shared space, so it fills up and then gets switched off.', 'Nobody owns the space'],
    ],
    endorsed: [['aoife-brennan', 'The procurement commons started because of this.'], ['lena-vogel', ''], ['tomas-lindqvist@region-vasterholm', '']],
  },
  {
    key: 'mistakes',
    by: 'lena-vogel',
    title: 'People are afraid to write about what went wrong',
    themes: 'culture',
    body: 'Teams write about successes but leave out the experiments that failed, because they expect to be blamed. Others then repeat the same mistakes.',
    edits: [
      ['hannah-price', 'Clinical incident reviews have a blameless format that other teams can borrow: what happened, what we learned, what we changed.', 'Borrow the blameless review'],
      ['lena-vogel', 'Leaders writing about their own mistakes first makes it safer for everyone else.', 'Leaders go first'],
    ],
    endorsed: [['hannah-price@riverside-health-board', 'We had to learn this in clinical reviews.'], ['jordan-reyes', ''], ['priya-natarajan', '']],
  },
  {
    key: 'time',
    by: 'jordan-reyes',
    title: 'Writing weeknotes is not counted as work',
    themes: 'culture, time',
    body: 'Time spent writing in the open does not appear in anyone’s objectives, so it is the first thing to go when a team is busy.',
    edits: [
      ['kwame-mensah', 'Where managers set aside half an hour at the end of the week, the notes keep coming.', 'Half an hour on Friday'],
    ],
    endorsed: [['marco-bellini', ''], ['kwame-mensah', 'Very familiar.']],
  },
]

const SOLUTIONS: DemoPage[] = [
  {
    key: 'allowlist',
    by: 'marco-bellini',
    title: 'Ask for one site to be allowed, with a named owner',
    themes: 'security, tools',
    body: 'Instead of asking for uploads to be allowed everywhere, ask the security team to allow one community site, and name a person who is responsible for what the team shares there.\n\nIn our case the request took a week once it had an owner and a short note of what would and would not be shared.',
    edits: [['hannah-price', 'Include a line on personal data: no faces, no patient details, no names on whiteboards.', 'Personal data line']],
    endorsed: [['hannah-price@riverside-health-board', 'Worked for our research team.'], ['priya-natarajan', '']],
  },
  {
    key: 'quickbuy',
    by: 'tomas-lindqvist',
    title: 'A low-value purchase route for trials',
    themes: 'procurement',
    body: 'Agree with finance a route for trials under a small amount, with a card held by the service team and a one-page record of what was bought and why.\n\nThe record makes the trial easy to stop or to turn into a proper purchase.',
    edits: [['aoife-brennan', 'Share the one-page template between organisations, so finance teams see that others already do this.', 'Share the template']],
    endorsed: [['tomas-lindqvist@region-vasterholm', 'Our standard route now.'], ['aoife-brennan', '']],
  },
  {
    key: 'noteagreement',
    by: 'priya-natarajan',
    title: 'Agree with communications what needs their eye',
    themes: 'culture, communications',
    body: 'Write down, with the communications team, which kinds of post need their review and which do not. Weeknotes about the team’s own work go out the same day; posts about policy go to communications first.',
    edits: [['jordan-reyes', 'Invite the communications team to read the weeknotes by feed: they stop worrying once they see them regularly.', 'Follow by feed']],
    endorsed: [['priya-natarajan@northshire-county-council', 'Our weeknotes go out every Friday now.'], ['lena-vogel', 'Trying this next month.']],
  },
  {
    key: 'legalnote',
    by: 'lena-vogel',
    title: 'One standard legal note for publishing code',
    themes: 'open source, legal',
    body: 'Agree one note with the legal team that covers the common case: code written by staff, or by suppliers whose contract gives the organisation the rights. Teams check their repository against the note and publish without a new review.',
    edits: [['kwame-mensah', 'Attach a list of approved licences to the note; most councils pick the same two.', 'Approved licences']],
    endorsed: [['kwame-mensah@civic-data-lab', 'We share our note with any council that asks.'], ['marco-bellini', '']],
  },
  {
    key: 'commons',
    by: 'aoife-brennan',
    title: 'A shared space owned by one organisation on behalf of all',
    themes: 'tools, collaboration',
    body: 'One partner hosts the shared workspace and names an owner for it; the others join as guests under a short written agreement. The owner tidies it every quarter.',
    edits: [['tomas-lindqvist', 'Write the agreement so that hosting can move to another partner without losing the history.', 'Hosting can move']],
    endorsed: [['tomas-lindqvist', 'This is how the procurement commons runs.'], ['lena-vogel', '']],
  },
  {
    key: 'blameless',
    by: 'hannah-price',
    title: 'Blameless write-ups of failed experiments',
    themes: 'culture',
    body: 'After an experiment that did not work, write a short note: what we tried, what happened, what we learned and what we would do differently. Nobody is named as the cause.',
    edits: [['lena-vogel', 'Publish them in the weeknotes series, not separately, so they are read as normal work.', 'Part of the weeknotes']],
    endorsed: [['hannah-price@riverside-health-board', ''], ['jordan-reyes', 'Made our retros more honest.'], ['kwame-mensah', '']],
  },
]

/** Which solutions help with which barriers. */
const LINKS: Array<[barrier: string, solution: string]> = [
  ['photos', 'allowlist'],
  ['procurement', 'quickbuy'],
  ['procurement', 'commons'],
  ['approval', 'noteagreement'],
  ['code', 'legalnote'],
  ['silos', 'commons'],
  ['mistakes', 'blameless'],
  ['time', 'noteagreement'],
  ['time', 'blameless'],
]

/** Barriers in the way of the Open Working Charter's sections. */
const SECTIONS: Array<[barrier: string, heading: string]> = [
  ['approval', 'Work in the open by default'],
  ['code', 'Share what we make'],
  ['mistakes', 'Show our mistakes as well as our successes'],
  ['time', 'Work in the open by default'],
]

/** Solutions the demo projects used, linked by a member of each project's team. */
const PROJECTS: Array<[solution: string, project: string, by: string]> = [
  ['legalnote', 'open-spending-data', 'kwame-mensah'],
  ['legalnote', 'open-source-case-management', 'tomas-lindqvist'],
  ['commons', 'cross-border-procurement-commons', 'aoife-brennan'],
  ['noteagreement', 'bin-collection-alerts', 'priya-natarajan'],
  ['allowlist', 'patient-letters-redesign', 'hannah-price'],
]

const actor = (userId: string, isAdmin = false): Actor => ({ userId, isAdmin })

/** Seeds the wiki: barriers and solutions with their revisions, links and endorsements. */
export async function seedBarriers({ db }: SeedContext): Promise<void> {
  const handles = [...new Set([...BARRIERS, ...SOLUTIONS].flatMap((p) => [p.by, ...p.edits.map(([h]) => h), ...p.endorsed.map(([w]) => w.split('@')[0]!)]))]
  const people = await peopleByHandles(db, handles)
  if (!people.get('priya-natarajan')) return // accounts' demo people are not there
  const who = (handle: string) => actor(people.get(handle)!.id, handle === 'sam-admin') as Actor & { userId: string }
  const orgs = await organisationsBySlugs(db, ANONYMOUS, [...new Set([...BARRIERS, ...SOLUTIONS].flatMap((p) => p.endorsed.flatMap(([w]) => (w.includes('@') ? [w.split('@')[1]!] : []))))])

  const pages = new Map<string, EntryRow>()
  async function write(kind: WikiKind, p: DemoPage): Promise<void> {
    let entry = await createEntry(db, who(p.by), kind, { title: p.title, body: p.body, themes: p.themes.split(', '), summary: '' })
    for (const [by, addition, summary] of p.edits) {
      entry = await saveEdit(db, who(by), entry, { title: entry.title, body: `${entry.body}\n\n${addition}`, themes: entry.themes.split(', '), summary }, Number(entry.revision))
    }
    for (const [w, note] of p.endorsed) {
      const [handle, orgSlug] = w.split('@') as [string, string | undefined]
      const org = orgSlug ? orgs.get(orgSlug) : undefined
      if (orgSlug && !org) continue
      await endorse(db, who(handle), entry, { endorser: org ? org.id : 'person', note })
    }
    pages.set(p.key, entry)
  }
  for (const p of BARRIERS) await write('barrier', p)
  for (const p of SOLUTIONS) await write('solution', p)

  for (const [b, s] of LINKS) await linkEntries(db, who('aoife-brennan'), pages.get(b)!, pages.get(s)!.slug)
  const charter = await charterSections(db, ANONYMOUS, 'open-working-charter')
  for (const [b, heading] of SECTIONS) {
    const section = charter?.sections.find((s) => s.heading === heading)
    if (section) await linkSection(db, who('lena-vogel'), pages.get(b)!, section.id)
  }
  for (const [s, project, by] of PROJECTS) {
    await linkProject(db, who(by), pages.get(s)!, project)
  }
}
