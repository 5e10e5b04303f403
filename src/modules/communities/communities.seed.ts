import type { SeedContext } from '../../core/module.ts'
import type { Db } from '../../core/db/database.ts'
import type { Actor } from '../../core/access/policy.ts'
import { spaceFacts } from '../../core/access/can.ts'
import { peopleByHandles } from '../accounts/accounts.ts'
import { setMembership } from '../../core/access/spaces.ts'
import type { SpaceRole } from '../../core/access/access.tables.ts'
import { accessFor, createCommunity, type CommunityAccess } from './communities.ts'
import { addLink } from './library.ts'
import { createReply, createThread } from './discussions.ts'
import { findCommunityById } from './communities.queries.ts'
import { findThread, updateThreadFlag } from './discussions.queries.ts'
import { backdateCommunity, backdateReply, backdateThread } from './seed.queries.ts'

interface SeedCommunity {
  host: string
  name: string
  description: string
  themes: string[]
  join_policy: 'open' | 'request' | 'invite'
  visibility: 'public' | 'signed_in' | 'members'
  members: Array<[string, SpaceRole]>
  link: { title: string; url: string; description: string }
  threads: Array<{ author: string; title: string; body: string; pinned?: boolean; replies: Array<[string, string]> }>
}

// Fictional demo content written for Openly.
const COMMUNITIES: SeedCommunity[] = [
  {
    host: 'priya-natarajan',
    name: 'Weeknotes writers',
    description:
      'A friendly place for anyone who writes weeknotes, or wants to start. Share what works, ask for feedback on a draft, and find other teams to read.\n\nNew here? Start with the pinned thread.',
    themes: ['working in the open', 'weeknotes'],
    join_policy: 'open',
    visibility: 'public',
    members: [['sam-admin', 'moderator'], ['tomas-lindqvist', 'member'], ['aoife-brennan', 'member'], ['hannah-price', 'member'], ['marco-bellini', 'member']],
    link: { title: 'A plain template for your first weeknote', url: 'https://openly.example/guides/weeknote-template', description: 'Three headings: what we did, what we learned, what is next. Copy it and make it yours.' },
    threads: [
      {
        author: 'priya-natarajan',
        title: 'Start here: how we use this community',
        pinned: true,
        body: 'Welcome! This is where we help each other write better weeknotes.\n\n- Post a link to your latest weeknote if you want feedback\n- Be kind and specific\n- Say what you would *steal* from someone else\n\n@sam-admin keeps an eye on things here.',
        replies: [
          ['sam-admin', 'Thanks @priya-natarajan. If anything here worries you, use the Report link under a message and a moderator will look at it.'],
          ['hannah-price', 'Hello all. I am writing my first weeknote this Friday and I am a bit nervous about publishing something unfinished.'],
        ],
      },
      {
        author: 'tomas-lindqvist',
        title: 'How long should a weeknote be?',
        body: 'Ours keep growing. Last week was 1,400 words and I doubt anyone read to the end. Does anyone have a rule of thumb?',
        replies: [
          ['aoife-brennan', 'We aim for something you can read while the kettle boils: 300 to 500 words, with links for anyone who wants the detail.'],
          ['marco-bellini', 'We split ours: a short note for everyone, and a longer "engineering notes" page for people who want the technical detail. @tomas-lindqvist happy to share our template.'],
          ['tomas-lindqvist', 'Both useful, thank you. We will try the kettle rule for a month and report back.'],
        ],
      },
    ],
  },
  {
    host: 'tomas-lindqvist',
    name: 'Data in the open',
    description: 'For people publishing public-sector data: standards, licences, data models and the awkward questions about personal data. Ask to join and a host will let you in.',
    themes: ['open data', 'interoperability'],
    join_policy: 'request',
    visibility: 'signed_in',
    members: [['kwame-mensah', 'moderator'], ['lena-vogel', 'member'], ['aoife-brennan', 'member']],
    link: { title: 'Shared data model for care home capacity (draft)', url: 'https://openly.example/data/care-capacity-model', description: 'The draft model three regions are testing. Comments welcome in the discussion.' },
    threads: [
      {
        author: 'tomas-lindqvist',
        title: 'Publishing bus punctuality without identifying drivers',
        body: 'We want to publish punctuality per route and hour. A colleague worries that on quiet routes this could identify individual drivers. How have others handled small numbers?',
        replies: [
          ['lena-vogel', 'We suppress any cell with fewer than five journeys and publish the rule alongside the data, so people know why some values are missing.'],
          ['kwame-mensah', 'Same here. @tomas-lindqvist it also helped to ask the drivers’ union early. They ended up supporting the release.'],
        ],
      },
    ],
  },
  {
    host: 'kwame-mensah',
    name: 'Procurement reformers',
    description: 'A private space for procurement leads changing how public bodies buy digital services: smaller contracts, open source by default and fairer terms for small suppliers. Membership is by invitation.',
    themes: ['procurement', 'open source'],
    join_policy: 'invite',
    visibility: 'members',
    members: [['priya-natarajan', 'member'], ['marco-bellini', 'member'], ['lena-vogel', 'moderator']],
    link: { title: 'Model clause: code we pay for is published openly', url: 'https://openly.example/procurement/open-code-clause', description: 'The clause we now put in every software contract, with notes from our legal team.' },
    threads: [
      {
        author: 'kwame-mensah',
        title: 'Splitting a large contract into smaller lots',
        body: 'We are about to re-tender a seven-year case management contract. I want to split it into three smaller lots. Has anyone done this and kept the auditors happy?',
        replies: [
          ['marco-bellini', 'We did it in Valdoro last year. The key was writing down, before the tender, how the lots fit together and who owns the integration.'],
          ['priya-natarajan', 'Northshire did something similar. @kwame-mensah I can share our business case (not for publication).'],
        ],
      },
    ],
  },
]

async function accessAs(db: Db, actor: Actor, spaceId: string): Promise<CommunityAccess> {
  const community = await findCommunityById(db, spaceId)
  return accessFor(actor, community!, await spaceFacts(db, actor, spaceId))
}

/** Three demo communities (public/open, signed-in/request, private/invite) with members, discussions and a library link. */
export async function seedCommunities({ db }: SeedContext): Promise<void> {
  const handles = [...new Set(COMMUNITIES.flatMap((c) => [c.host, ...c.members.map((m) => m[0]), ...c.threads.flatMap((t) => [t.author, ...t.replies.map((r) => r[0])])]))]
  const people = await peopleByHandles(db, handles)
  const ids = new Map([...people.values()].map((r) => [r.handle, r.id]))
  if (!ids.has('sam-admin')) return // the accounts seed did not run: nothing to attach content to
  const actor = (handle: string): Actor => ({ userId: ids.get(handle)!, isAdmin: false })
  const day = 86_400_000
  const nowMs = Date.now()
  for (const [ci, spec] of COMMUNITIES.entries()) {
    if (!ids.has(spec.host)) continue
    // The demo's story over past months: communities started half a year ago, a discussion every few weeks,
    // replies over the following days (deterministic offsets, so every first run reads alike).
    const startedAt = nowMs - (200 - ci * 25) * day
    let lastActivity = startedAt
    const { id } = await createCommunity(db, actor(spec.host), { name: spec.name, description: spec.description, themes: spec.themes, join_policy: spec.join_policy, visibility: spec.visibility })
    for (const [handle, role] of spec.members) if (ids.has(handle)) await setMembership(db, id, ids.get(handle)!, role, 'active')
    await addLink(db, actor(spec.host), await accessAs(db, actor(spec.host), id), spec.link)
    for (const [ti, t] of spec.threads.entries()) {
      if (!ids.has(t.author)) continue
      const thread = await createThread(db, actor(t.author), await accessAs(db, actor(t.author), id), { title: t.title, body: t.body, submission_id: '' })
      if (t.pinned) await updateThreadFlag(db, thread.id, 'pinned', true)
      const threadAt = startedAt + (3 + ti * 38) * day + (ci * 5 + ti * 3) * 3600_000
      let replyAt = threadAt
      for (const [ri, [handle, body]] of t.replies.entries()) {
        if (!ids.has(handle)) continue
        const fresh = await findThread(db, thread.id)
        const reply = await createReply(db, actor(handle), await accessAs(db, actor(handle), id), fresh!, { body, quote_reply_id: '', submission_id: '' })
        replyAt += (4 + ri * 19) * 3600_000
        await backdateReply(db, reply.id, new Date(replyAt).toISOString())
      }
      await backdateThread(db, thread.id, new Date(threadAt).toISOString(), new Date(replyAt).toISOString())
      lastActivity = Math.max(lastActivity, replyAt)
    }
    await backdateCommunity(db, id, new Date(startedAt).toISOString(), new Date(lastActivity).toISOString())
  }
}
