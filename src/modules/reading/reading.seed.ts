import type { SeedContext } from '../../core/module.ts'
import { peopleByHandles } from '../accounts/accounts.ts'
import { addReadingItem } from './reading.ts'
import { backdateItem } from './reading.queries.ts'

// A reading list of public resources on working in the open, each summarised for Openly by a demo
// person, added over the past weeks.

const DAY = 86_400_000

const DEMO: Array<{ by: string; daysAgo: number; url: string; title: string; summary: string; tags: string[] }> = [
  { by: 'priya-natarajan', daysAgo: 1, url: 'https://www.gov.uk/guidance/government-design-principles', title: 'Government design principles', summary: 'Ten short principles that still settle arguments in our planning sessions. “Make things open: it makes things better” is the one we quote most when someone asks why the board is public.', tags: ['design', 'working in the open'] },
  { by: 'hannah-price', daysAgo: 2, url: 'https://www.gov.uk/service-manual/user-research', title: 'User research, in the GOV.UK Service Manual', summary: 'Practical guidance on planning research, recruiting participants and sharing findings. Useful when a team is new to research and needs a shared starting point.', tags: ['user research'] },
  { by: 'kwame-mensah', daysAgo: 3, url: 'https://opendatahandbook.org/guide/en/', title: 'The Open Data Handbook', summary: 'A plain-language introduction to what open data is and how to publish it: licences, formats and the why. We hand it to every new data steward.', tags: ['open data'] },
  { by: 'aoife-brennan', daysAgo: 5, url: 'https://standard.publiccode.net/', title: 'Standard for Public Code', summary: 'Criteria for code that public organisations can share and reuse, from documenting the policy the code implements to making contribution easy. A good checklist before opening a repository.', tags: ['open source', 'procurement'] },
  { by: 'marco-bellini', daysAgo: 6, url: 'https://www.gov.uk/guidance/be-open-and-use-open-source', title: 'Be open and use open source', summary: 'Point three of the Technology Code of Practice: publish code openly and choose open source where it fits. Short enough to paste into a business case.', tags: ['open source'] },
  { by: 'sam-admin', daysAgo: 8, url: 'https://design-system.service.gov.uk/', title: 'GOV.UK Design System', summary: 'Styles, components and patterns for public services, with the research behind each. Openly itself is built on its components.', tags: ['design', 'accessibility'] },
  { by: 'lena-vogel', daysAgo: 10, url: 'https://www.w3.org/WAI/standards-guidelines/wcag/', title: 'WCAG overview from the W3C', summary: 'Where to start with the Web Content Accessibility Guidelines: what the levels mean and how the versions differ. Our legal team asked for exactly this summary.', tags: ['accessibility'] },
  { by: 'tomas-lindqvist', daysAgo: 12, url: 'https://www.localdigital.gov.uk/declaration/', title: 'The Local Digital Declaration', summary: 'A shared commitment by councils to fix the plumbing, design services with users and share what they build. Worth reading before proposing a cross-council project.', tags: ['local government', 'collaboration'] },
  { by: 'priya-natarajan', daysAgo: 14, url: 'https://www.gov.uk/service-manual/agile-delivery', title: 'Agile delivery, in the GOV.UK Service Manual', summary: 'How phases, teams and governance fit together in agile public service delivery. The section on governance helped us explain our show and tells to a board.', tags: ['agile', 'delivery'] },
  { by: 'hannah-price', daysAgo: 17, url: 'https://service-manual.nhs.uk/', title: 'NHS digital service manual', summary: 'The NHS’s own standards, design system and content style guide for health services. Its content guidance on medical words is the best we have found.', tags: ['health', 'design'] },
  { by: 'kwame-mensah', daysAgo: 20, url: 'https://18f.gsa.gov/guides/', title: '18F guides', summary: 'Open guides from a US government digital team on methods, accessibility, content and engineering. The de-risking guide for buying software is especially clear.', tags: ['procurement', 'delivery'] },
  { by: 'aoife-brennan', daysAgo: 24, url: 'https://opengovpartnership.org/', title: 'Open Government Partnership', summary: 'How governments and civil society co-create action plans on transparency and participation. Handy for finding commitments similar to yours in other countries.', tags: ['open government', 'collaboration'] },
  { by: 'marco-bellini', daysAgo: 28, url: 'https://playbook.cio.gov/', title: 'Digital Services Playbook', summary: 'Thirteen plays for building services that work, each with a checklist and key questions. A quick way to review a project with a new team.', tags: ['delivery'] },
  { by: 'lena-vogel', daysAgo: 33, url: 'https://www.gov.uk/service-manual/service-standard', title: 'The Service Standard', summary: 'Fourteen points a public service should meet, from understanding users to making new source code open. Our assessments start from this page.', tags: ['working in the open', 'delivery'] },
  { by: 'tomas-lindqvist', daysAgo: 40, url: 'https://www.gov.uk/guidance/the-technology-code-of-practice', title: 'The Technology Code of Practice', summary: 'Criteria for designing, building and buying technology in government: open standards, reuse, security and sustainability. We use it as a shared vocabulary with suppliers.', tags: ['procurement', 'open standards'] },
]

export async function seedReading({ db }: SeedContext): Promise<void> {
  const people = await peopleByHandles(db, [...new Set(DEMO.map((d) => d.by))])
  for (const d of DEMO) {
    const person = people.get(d.by)
    if (!person) continue
    const row = await addReadingItem(db, { userId: person.id, isAdmin: false }, { url: d.url, title: d.title, summary: d.summary, tags: d.tags })
    await backdateItem(db, row.id, new Date(Date.now() - d.daysAgo * DAY).toISOString())
  }
}
