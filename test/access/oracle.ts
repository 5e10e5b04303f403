/**
 * The access policy, stated for the leak matrix independently of the code under test
 * (src/core/access and the modules' policy files): who may see each fixture, from the facts the
 * fixture builder recorded (where it lives, who wrote it, whether a moderator hid it…) and from
 * each actor's standing. If the app and this file disagree, one of them is wrong: read both.
 */

/** Who asks. Each is a class of reader the rules treat differently. */
export const ACTORS = [
  'anonymous',
  /** Signed in, with no standing anywhere. */
  'stranger',
  /** Active member of all three communities. */
  'member',
  /** Moderator of all three communities. */
  'moderator',
  /** Host (creator) of all three communities. */
  'host',
  /** Platform admin. */
  'admin',
  /** Platform admin who opened the members-only community with "access as admin" (a live, audited grant). */
  'grantadmin',
  /** Banned from all three communities. */
  'banned',
  /** Removed from all three communities. */
  'removed',
  /** Named an organisation on their project without speaking for it (a proposed link); created the hidden project. */
  'requester',
  /** Admin (and creator) of every organisation, including the one named on the requester's project. */
  'orgadmin',
  /** The unlisted person themself. */
  'unlistedself',
  /** The person a moderator hid, themself. */
  'hiddenself',
  /** The suspended person, with the session they had before the suspension. */
  'suspendedself',
] as const
export type ActorName = (typeof ACTORS)[number]

export type Vis = 'public' | 'signed_in' | 'members'
export const VISIBILITIES: Vis[] = ['public', 'signed_in', 'members']

export type Kind = 'community' | 'thread' | 'reply' | 'document' | 'post' | 'comment' | 'image' | 'person' | 'organisation' | 'project' | 'tag' | 'report' | 'charter' | 'amendment' | 'amendmentComment' | 'signature' | 'badge' | 'pilot' | 'event' | 'event_session' | 'session_notes' | 'event_attendees' | 'practical_action' | 'reading_item' | 'syndicated_feed' | 'digest' | 'unsubscribe' | 'still_active' | 'barrier' | 'solution' | 'challenge' | 'challenge_idea' | 'challenge_comment' | 'challenge_review'

/** What the policy needs to know about a fixture. */
export interface Facts {
  /** The community it lives in; absent for site content (posts without a community, the directory, people). */
  space?: Vis
  /** Its authors, or the creator of a directory entry. */
  authors?: ActorName[]
  /** A moderator hid it. */
  hidden?: boolean
  /** A draft, or scheduled for later. */
  unpublished?: boolean
  /** Unpublished because scheduled for later (not a draft): when hidden, those who moderate there read it too. */
  scheduled?: boolean
  /** What must be visible for it to be: a reply's thread, a comment's post; for a tag, its posts (any one). */
  within?: Fixture[]
  person?: { verified: boolean; suspended: boolean; hidden: boolean; listed: boolean; self?: ActorName }
  /** A community: who was invited to it (an invitation names it to them). */
  invited?: ActorName[]
  /** An organisation or project: who manages its members or team; a person's event: who organises it. */
  managers?: ActorName[]
  /** A report: about what, and whether it is still open (then it is in the queue). */
  report?: { subject: Fixture; open: boolean }
  /** An unsubscribe link whose signature is not ours. */
  forged?: boolean
}

/** One subject in one state, as built through the app, with the unique word that marks it. */
export interface Fixture {
  kind: Kind
  /** What it is, for messages. */
  label: string
  /**
   * The unique word in its name, title or body: an allowed reader sees it on its pages. `zq…x`, so
   * no marker is part of another. A tag has its post's marker (tags themselves echo what one asks for).
   */
  marker: string
  /** Every trace of it a reader who may not see it must not get: its words, and the ids in its URLs. */
  words: string[]
  ids: string[]
  /** Values of the route parameters naming it (`slug`, `id`, `replyId`, `handle`, `tag`). */
  params: Record<string, string>
  /** What names it in a query filter (`?author=<handle>`, `?project=<slug>`). */
  ref?: string
  /** The moderation type and id that /report?type=&id= takes. */
  report?: { type: string; id: string }
  /** Its canonical page, which the sitemap lists when anonymous readers may see it. */
  path?: string
  /** Its search document: type, and the words in it (a reply's holds its thread's title). */
  search?: { type: string; words: string[] }
  /** Pages (other than its own) where a reader allowed to see both must find its marker: panels, lists of replies, comments. */
  shownOn?: string[]
  facts: Facts
}

/**
 * A link between two subjects that shows only to some people: a project naming an organisation
 * that has not confirmed it shows "proposed" only to whoever named it and the organisation's admins.
 */
export interface Relation {
  label: string
  /** The word that must not appear… */
  word: string
  /** …on any URL about these subjects… */
  about: Fixture[]
  /** …nor on these lists… */
  lists: string[]
  /** …for anyone but these. */
  mayShow: ActorName[]
  /** Where the people who may see it do see it. */
  shownTo: { url: string; actors: ActorName[] }
}

type Standing = { status: 'active' | 'banned' | 'removed'; role: 'member' | 'moderator' | 'host' }
const everywhere = (s: Standing): Record<Vis, Standing> => ({ public: s, signed_in: s, members: s })

/** Memberships, as the fixture builder makes them through the members pages. */
export const STANDING: Partial<Record<ActorName, Partial<Record<Vis, Standing>>>> = {
  member: everywhere({ status: 'active', role: 'member' }),
  moderator: everywhere({ status: 'active', role: 'moderator' }),
  host: everywhere({ status: 'active', role: 'host' }),
  banned: everywhere({ status: 'banned', role: 'member' }),
  removed: everywhere({ status: 'removed', role: 'member' }),
  // The unlisted person is a member of the signed-in community (their profile lists it).
  unlistedself: { signed_in: { status: 'active', role: 'member' } },
}

/** Members-only communities an admin opened with "access as admin", as the fixture builder does through its form. */
const GRANTED: Partial<Record<ActorName, Vis[]>> = { grantadmin: ['members'] }

/** Platform admins: with or without a grant to the members-only community. */
export const platformAdmin = (a: ActorName): boolean => a === 'admin' || a === 'grantadmin'

/** Not signed in: anonymous, and a suspended person (the suspension ended their sessions). */
export const signedOut = (a: ActorName) => a === 'anonymous' || a === 'suspendedself'

/** May the actor read what is in a community of this visibility? */
export function readsSpace(a: ActorName, vis: Vis): boolean {
  if (signedOut(a)) return vis === 'public'
  const s = STANDING[a]?.[vis]
  // A banned member keeps what anonymous readers have, not what signed-in readers have.
  if (s?.status === 'banned') return vis === 'public'
  if (vis !== 'members') return true
  // A members-only community is a trusted space: its active members only, not platform admins — but for an admin who
  // opened it with "access as admin", while the grant lasts.
  return s?.status === 'active' || (GRANTED[a]?.includes(vis) ?? false)
}

/** Hosts and moderators moderate their community; platform admins moderate wherever they may read, and site content. */
export function moderates(a: ActorName, vis: Vis | undefined): boolean {
  if (platformAdmin(a)) return vis === undefined || readsSpace(a, vis)
  if (vis === undefined) return false
  const s = STANDING[a]?.[vis]
  return readsSpace(a, vis) && s?.status === 'active' && (s.role === 'host' || s.role === 'moderator')
}

/** May the actor see this fixture at all (its page, and its traces anywhere)? */
export function mayView(a: ActorName, f: Fixture): boolean {
  const x = f.facts
  switch (f.kind) {
    case 'person': {
      const p = x.person!
      // Platform admins see every profile (they moderate); a person sees their own unless suspended.
      if (platformAdmin(a)) return true
      if (p.self === a && !p.suspended) return true
      // Unverified people have no public presence; suspended and hidden profiles are gone for others.
      return p.verified && !p.suspended && !p.hidden
    }
    case 'tag':
      // A tag exists for a reader when a post they may see carries it.
      return (x.within ?? []).some((post) => mayView(a, post))
    case 'report':
      // Reports reach the moderators of the space; platform admins from every space (how they act on a trusted space).
      return platformAdmin(a) || moderates(a, x.space)
    case 'unsubscribe':
      // The signed link is the credential: whoever holds a real one may open it, signed in or not.
      return !x.forged
    case 'still_active':
      // Likewise a nudge's "still active" link, while its entry is not hidden by a moderator (then it leads nowhere).
      return !x.forged && (x.within ?? []).every((w) => !w.facts.hidden)
    case 'challenge_review':
    case 'event_attendees':
      // Who replied to an event, and the review notes on a challenge's ideas: its organisers alone. A community's event is organised by those who moderate
      // the community; a person's event by that person (`managers`), not by platform admins.
      if (!(x.within ?? []).every((w) => mayView(a, w))) return false
      return x.space ? moderates(a, x.space) : (x.managers ?? []).includes(a)
    case 'syndicated_feed':
      // A registered blog feed: its owner's alone.
      return (x.managers ?? []).includes(a)
    default: {
      if (x.space && !readsSpace(a, x.space)) return false
      const author = x.authors?.includes(a) ?? false
      // Hidden: its authors and those who moderate there. Drafts and scheduled posts: their authors only, but a hidden
      // (or held) scheduled post also its moderators, who approve it before its time.
      if (x.hidden && !author && !moderates(a, x.space)) return false
      if (x.unpublished && !author && !(x.scheduled && x.hidden)) return false
      // A reply of a hidden thread is out of reach with its thread; a comment, or an image, goes with its post.
      return (x.within ?? []).every((w) => mayView(a, w))
    }
  }
}

/** In the people directory, its API, the sitemap and search: only people who chose to be listed and have a public presence. */
export function mayList(a: ActorName, f: Fixture): boolean {
  if (f.kind !== 'person') return mayView(a, f)
  const p = f.facts.person!
  return p.listed && p.verified && !p.suspended && !p.hidden
}

/** Found by site search: what a reader may list, unless hidden or unpublished (not even its authors or moderators find it), nor inside something hidden. */
export function mayFind(a: ActorName, f: Fixture): boolean {
  if (!f.search || !mayList(a, f)) return false
  const hiddenAbove = (g: Fixture): boolean => Boolean(g.facts.hidden || g.facts.unpublished) || (g.facts.within ?? []).some(hiddenAbove)
  return !hiddenAbove(f)
}
