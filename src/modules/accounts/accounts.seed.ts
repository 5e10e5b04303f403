import type { NewAccount } from './accounts.queries.ts'

/** Printed on start with the demo e-mail addresses; never used outside demo content. */
export const DEMO_PASSWORD = 'openly-demo-2026'

/**
 * The demo people (fictional), looked up by handle in other modules' seeds. They joined months ago, except
 * one newcomer: trust levels hold a new account's content with links for a moderator (core/access/trust.ts).
 */
export const DEMO_PEOPLE: Array<Omit<NewAccount, 'passwordHash'> & { email: string; name: string; role: string; newcomer?: boolean }> = [
  {
    handle: 'sam-admin',
    name: 'Sam Adeyemi',
    email: 'sam@openly.example',
    isAdmin: true,
    role: 'Community manager, Openly',
    bio: 'I look after this Openly site: settings, moderation and helping new teams get started with working in the open.\n\nAsk me anything about weeknotes, communities or the charter.',
    skills: ['community management', 'moderation', 'facilitation'],
    interests: ['working in the open', 'digital inclusion'],
  },
  {
    handle: 'priya-natarajan',
    name: 'Priya Natarajan',
    email: 'priya@openly.example',
    role: 'Head of digital, Northshire County Council',
    bio: 'I lead a small digital team rebuilding how residents apply for school transport and blue badges. We publish weeknotes every Friday and share our research with other councils.',
    skills: ['service design', 'product management', 'user research'],
    interests: ['education', 'local government', 'open standards'],
  },
  {
    handle: 'tomas-lindqvist',
    name: 'Tomas Lindqvist',
    email: 'tomas@openly.example',
    role: 'Open data lead, Region Västerholm',
    bio: 'I help the region publish data people can actually use: bus punctuality, care home capacity and air quality. Currently working on a shared data model with two other Nordic regions.',
    skills: ['open data', 'data modelling', 'Python'],
    interests: ['environment', 'transport', 'interoperability'],
  },
  {
    handle: 'aoife-brennan',
    name: 'Aoife Brennan',
    email: 'aoife@openly.example',
    role: 'User researcher, Department of Open Services',
    bio: 'Researcher on the benefits eligibility checker. I care about plain language, research with people who are often left out, and sharing findings early.',
    skills: ['user research', 'content design', 'accessibility'],
    interests: ['employment', 'plain language', 'accessibility'],
  },
  {
    handle: 'kwame-mensah',
    name: 'Kwame Mensah',
    email: 'kwame@openly.example',
    role: 'Developer, Civic Data Lab',
    bio: 'I build open-source tools for charities and councils, most recently a lightweight case management app for volunteer advice services.',
    skills: ['TypeScript', 'open source', 'PostgreSQL'],
    interests: ['open source', 'migration', 'civic tech'],
  },
  {
    handle: 'lena-vogel',
    name: 'Lena Vogel',
    email: 'lena@openly.example',
    role: 'Innovation officer, Stadt Altenbrück',
    bio: 'I run the city’s participation lab: citizen panels, the neighbourhood budget and a pilot for reporting problems in public spaces.',
    skills: ['facilitation', 'participatory budgeting', 'procurement'],
    interests: ['democratic participation', 'urban planning'],
  },
  {
    handle: 'marco-bellini',
    name: 'Marco Bellini',
    email: 'marco@openly.example',
    role: 'Digital transformation manager, Comune di Valdoro',
    bio: 'Moving the municipality’s services online without leaving anyone behind. Interested in reusing what other towns have built instead of buying it again.',
    skills: ['change management', 'procurement', 'service design'],
    interests: ['reuse', 'digital inclusion', 'open source'],
  },
  {
    handle: 'hannah-price',
    name: 'Hannah Price',
    email: 'hannah@openly.example',
    role: 'Clinical informatics lead, Riverside Health Board',
    bio: 'Nurse turned informatician. I work on how patients book and change appointments, and on sharing what we learn with other health boards.',
    skills: ['clinical safety', 'service design', 'data protection'],
    interests: ['health', 'care', 'Welsh language services'],
  },
  {
    handle: 'jordan-reyes',
    name: 'Jordan Reyes',
    email: 'jordan@openly.example',
    newcomer: true,
    role: 'Independent consultant',
    bio: 'New here. I help councils choose notification tools.',
    skills: ['procurement'],
    interests: ['notifications'],
  },
]
