import type { SeedContext } from '../../core/module.ts'
import { newId, slugify } from '../../core/db/ids.ts'
import { renderMarkdown } from '../../core/markdown/markdown.ts'
import { addComment, excerptOf, indexPost, savePost } from './posts.ts'
import { findPostById, findPostBySlug } from './posts.queries.ts'
import type { PostsDb } from './posts.tables.ts'
import { ANONYMOUS } from '../../core/access/policy.ts'
import { peopleByHandles } from '../accounts/accounts.ts'
import { visibleOrganisationBySlug } from '../organisations/organisations.ts'
import { visibleProjectBySlug } from '../projects/projects.ts'
import { WEEKNOTES } from './posts.seed.weeknotes.ts'

// Fictional demo content written for Openly: each project's team writes its own weeknotes (posts.seed.weeknotes.ts).
const PROJECTS: Array<{ slug: string; short: string; org: string; people: string[]; tags: string[] }> = [
  { slug: 'bin-collection-alerts', short: 'bin collection alerts', org: 'northshire-county-council', people: ['priya-natarajan', 'hannah-price'], tags: ['user-research', 'notifications', 'content-design'] },
  { slug: 'school-admissions-in-the-open', short: 'school admissions', org: 'northshire-county-council', people: ['hannah-price', 'kwame-mensah'], tags: ['content-design', 'accessibility', 'forms'] },
  { slug: 'patient-letters-redesign', short: 'patient letters', org: 'riverside-health-board', people: ['aoife-brennan', 'lena-vogel'], tags: ['content-design', 'health', 'accessibility'] },
  { slug: 'open-spending-data', short: 'open spending data', org: 'civic-data-lab', people: ['kwame-mensah', 'marco-bellini'], tags: ['open-data', 'transparency', 'data-standards'] },
  { slug: 'digital-inclusion-map', short: 'digital inclusion map', org: 'civic-data-lab', people: ['lena-vogel', 'priya-natarajan'], tags: ['open-data', 'digital-inclusion', 'maps'] },
  { slug: 'cross-border-procurement-commons', short: 'procurement commons', org: 'region-vasterholm', people: ['tomas-lindqvist', 'marco-bellini'], tags: ['procurement', 'open-standards', 'collaboration'] },
  { slug: 'planning-applications-alpha', short: 'planning applications', org: 'stadt-altenbrueck', people: ['lena-vogel', 'tomas-lindqvist'], tags: ['user-research', 'prototyping', 'planning'] },
  { slug: 'adult-social-care-finder', short: 'social care finder', org: 'riverside-health-board', people: ['aoife-brennan', 'hannah-price'], tags: ['user-research', 'accessibility', 'health'] },
  { slug: 'open-source-case-management', short: 'case management', org: 'department-of-open-services', people: ['aoife-brennan', 'kwame-mensah'], tags: ['open-source', 'architecture', 'collaboration'] },
  { slug: 'climate-action-tracker', short: 'climate action tracker', org: 'comune-di-valdoro', people: ['marco-bellini', 'lena-vogel'], tags: ['open-data', 'climate', 'ai'] },
  { slug: 'citizens-assembly-toolkit', short: "citizens' assembly toolkit", org: 'open-state-university', people: ['tomas-lindqvist', 'priya-natarajan'], tags: ['democratic-participation', 'content-design', 'user-research'] },
  { slug: 'legacy-payments-retirement', short: 'legacy payments retirement', org: 'department-of-open-services', people: ['kwame-mensah', 'sam-admin'], tags: ['architecture', 'procurement', 'ai'] },
]

const COMMENTS = [
  'This is really useful, thank you for writing it up. We hit the same problem last year.',
  'Could you share the research plan? We would like to reuse it for our own service.',
  'Great to see this in the open. Happy to talk about how we handled the data sharing agreement.',
  'The point about carers matches what we found in our own interviews.',
  'We tried something similar in Valdoro and ran into the same supplier question. Let us compare notes.',
  'Did the change hold up after the first month? I would love to see the numbers again in the spring.',
]

/** Small deterministic generator so the demo reads the same on every first run. */
function random(seed: number) {
  let s = seed
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648
    return s / 2147483648
  }
}

/** Demo posts: weeknotes series per project, a few standalone posts, two drafts, one scheduled, some comments. */
export async function seedPosts({ db, config }: SeedContext): Promise<void> {
  const own: PostsDb = db
  const people = await peopleByHandles(db, [...new Set([...PROJECTS.flatMap((p) => p.people), 'sam-admin', 'aoife-brennan', 'marco-bellini', 'hannah-price', 'tomas-lindqvist', 'jordan-reyes'])])
  const byHandle = new Map([...people.values()].map((u) => [u.handle, u.id]))
  if (!byHandle.has('priya-natarajan')) return // accounts' demo people are not there: nothing to credit posts to
  const rnd = random(2026)
  const pick = <T>(list: T[]): T => list[Math.floor(rnd() * list.length)]!
  const nowMs = Date.now()
  const day = 86_400_000
  const posts: Array<Record<string, any>> = []
  const authors: Array<{ post_id: string; user_id: string; position: number }> = []
  const tags: Array<{ post_id: string; tag: string }> = []
  const seriesRows: Array<{ id: string; slug: string; title: string; owner_id: string; created_at: string }> = []

  for (const [pi, p] of PROJECTS.entries()) {
    const project = await visibleProjectBySlug(db, ANONYMOUS, p.slug)
    const org = await visibleOrganisationBySlug(db, ANONYMOUS, p.org)
    const team = p.people.map((h) => byHandle.get(h)).filter((x): x is string => !!x)
    if (team.length === 0) continue
    const notes = WEEKNOTES[p.slug] ?? []
    if (notes.length === 0) continue
    const seriesId = newId()
    const count = notes.length
    seriesRows.push({ id: seriesId, slug: `weeknotes-${p.slug}`, title: 'Weeknotes', owner_id: team[0]!, created_at: new Date(nowMs - 185 * day).toISOString() })
    for (let n = 1; n <= count; n++) {
      const id = newId()
      // Spread over the last ~6 months, roughly fortnightly per project, staggered by project.
      const at = new Date(nowMs - (180 - pi * 3 - (n - 1) * 28) * day - Math.floor(rnd() * 8 * 3600_000)).toISOString()
      const [headline, did, learned, next] = notes[n - 1]!
      // In the order weeknotes are read: what we did, what we learned, what is next.
      const body = `## What we did\n\n${did.map((d) => `- ${d}`).join('\n')}\n\n## What we learned\n\n${learned}\n\n## What's next\n\n${next}\n`
      const title = `${p.short.charAt(0).toUpperCase()}${p.short.slice(1)} weeknotes ${n}: ${headline}`
      const isDraft = pi < 2 && n === count // the last of the first two series are still drafts
      posts.push({
        id,
        slug: `${slugify(`${p.short} weeknotes ${n}`)}`,
        title,
        body,
        body_html: renderMarkdown(body),
        summary: '',
        excerpt: excerptOf('', body),
        learned: '',
        status: isDraft ? 'draft' : 'published',
        published_at: isDraft ? null : at,
        author_id: team[(n - 1) % team.length]!,
        project_id: project?.id ?? null,
        organisation_id: org?.id ?? null,
        space_id: null,
        series_id: seriesId,
        series_number: n,
        hidden_at: null,
        created_at: at,
        updated_at: at,
      })
      const writer = team[(n - 1) % team.length]!
      authors.push({ post_id: id, user_id: writer, position: 0 })
      if (n % 3 === 0 && team.length > 1) authors.push({ post_id: id, user_id: team.find((u) => u !== writer)!, position: 1 })
      for (const tag of new Set(['weeknotes', pick(p.tags), pick(p.tags)])) tags.push({ post_id: id, tag })
    }
  }

  // Standalone posts, including one scheduled for next week.
  const extras = [
    { handle: 'sam-admin', title: 'Welcome to Openly: working in the open, together', tags: ['working-in-the-open'], days: 170, body: 'Openly is where teams across councils, health boards, charities and universities share what they are doing **while** they do it.\n\n## Why weeknotes?\n\nShort, regular notes make work visible. They help the next team avoid the same mistakes.\n\n## How to start\n\n- Write a first post: what you did, what you learned, what is next.\n- Tag it so others can find it.\n- Follow the projects you care about by feed.' },
    { handle: 'tomas-lindqvist', title: 'What we mean by a procurement commons', tags: ['procurement', 'open-standards'], days: 120, body: 'Buying the same software in every region is slow and expensive. A **commons** of shared tender templates, evaluation criteria and contract clauses lets each buyer start from something that already passed legal review somewhere else.\n\nWe publish every template under an open licence.', learned: 'Legal teams share clauses far more readily than we expected, once one of them goes first.' },
    { handle: 'aoife-brennan', title: 'Five things we changed in our appointment letters', tags: ['content-design', 'health'], days: 60, body: '1. The date and time come first.\n2. We say what to bring, in a list.\n3. We removed the reference number from the top.\n4. We explain how to rearrange in one sentence.\n5. We tested it with people who were nervous about the appointment.', learned: 'Anxious readers find the problems that calm readers skim past, so test with them first.' },
    { handle: 'marco-bellini', title: 'Using AI to summarise climate reports, carefully', tags: ['ai', 'climate', 'open-data'], days: 25, body: 'We tried a language model to draft summaries of municipal climate reports. It saved time on the first draft, but every figure had to be checked by a person.\n\nOur rule now: the model drafts, a named officer signs off, and we publish both the summary and the source.' },
    { handle: 'hannah-price', title: 'Our accessibility statement, rewritten', tags: ['accessibility', 'content-design'], days: -7, body: 'We rewrote our accessibility statement so it says plainly what does not work yet and when we will fix it.' },
  ]
  for (const e of extras as Array<(typeof extras)[number] & { learned?: string }>) {
    const userId = byHandle.get(e.handle)
    if (!userId) continue
    const id = newId()
    const at = new Date(nowMs - e.days * day).toISOString()
    const created = new Date(Math.min(nowMs, nowMs - e.days * day)).toISOString()
    posts.push({ id, slug: slugify(e.title), title: e.title, body: e.body, body_html: renderMarkdown(e.body), summary: '', excerpt: excerptOf('', e.body), learned: e.learned ?? '', status: 'published', published_at: at, author_id: userId, project_id: null, organisation_id: null, space_id: null, series_id: null, series_number: null, hidden_at: null, created_at: created, updated_at: created })
    authors.push({ post_id: id, user_id: userId, position: 0 })
    for (const tag of e.tags) tags.push({ post_id: id, tag })
  }

  if (posts.length === 0) return
  await own.insertInto('series').values(seriesRows).execute()
  // Batches keep each statement under SQLite's variable limit.
  // Shown (and announced to followers, decision 0038) when published; drafts are not.
  for (const p of posts) p.shown_at = p.status === 'published' && !p.hidden_at ? p.published_at : null
  for (let i = 0; i < posts.length; i += 20) await own.insertInto('posts').values(posts.slice(i, i + 20) as any).execute()
  for (let i = 0; i < authors.length; i += 200) await own.insertInto('post_authors').values(authors.slice(i, i + 200)).execute()
  const publishedAt = new Map(posts.map((p) => [p.id, p.status === 'published' ? p.published_at : null]))
  const datedTags = tags.map((t) => ({ ...t, published_at: publishedAt.get(t.post_id) ?? null }))
  for (let i = 0; i < datedTags.length; i += 200) await own.insertInto('post_tags').values(datedTags.slice(i, i + 200)).execute()

  const published = posts.filter((p) => p.status === 'published' && p.published_at < new Date(nowMs).toISOString())
  const commenters = ['kwame-mensah', 'lena-vogel', 'tomas-lindqvist', 'priya-natarajan'].map((h) => byHandle.get(h)).filter((x): x is string => !!x)
  const comments = published.slice(-6).flatMap((p, i) => {
    const author = commenters[i % commenters.length]
    if (!author || author === p.author_id) return []
    const body = COMMENTS[i % COMMENTS.length]!
    return [{ id: newId(), post_id: p.id as string, author_id: author, body, body_html: renderMarkdown(body), hidden_at: null, created_at: new Date(Date.parse(p.published_at) + 3600_000).toISOString() }]
  })
  if (comments.length) await own.insertInto('comments').values(comments).execute()

  // Seeding runs once: indexing post by post keeps to the one search API.
  for (const p of posts) await indexPost(db, (await findPostById(db, p.id))!, tags.filter((t) => t.post_id === p.id).map((t) => t.tag))

  // A new account's first post, with a link: it waits in the moderation queue (trust levels), through the
  // same use case as the form, so the queue has something waiting for approval on first start.
  const newcomer = byHandle.get('jordan-reyes')
  if (newcomer && config.trust.newAccountDays > 0) {
    await savePost(db, { userId: newcomer, isAdmin: false, newcomer: true }, {
      title: 'A notification tool your council can reuse',
      summary: '',
      body: 'Hello everyone, I am new here. We have built a notification service for bin collections and school closures that any council can reuse.\n\nThere is a demo and a price list at https://notify-tools.example/councils if you want to try it.',
      learned: '',
      tags: ['notifications'],
      series: '',
      newSeries: '',
      coauthors: [],
      project: '',
      organisation: '',
      community: '',
      publish: 'publish',
      publishAt: null,
    }, null)
    // …and a comment with the same link on another post: it waits too, and approving it tells the post's author
    // (decision 0044).
    const letters = await findPostBySlug(db, slugify('Five things we changed in our appointment letters'))
    if (letters) {
      await addComment(db, { userId: newcomer, isAdmin: false, newcomer: true }, letters, { comment: 'Our tool sends these as texts too: https://notify-tools.example/letters' }, [letters.author_id], 'Jordan Reyes')
    }
  }
}
