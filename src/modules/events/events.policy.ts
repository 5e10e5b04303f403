import { definePolicy, type RuleContext } from '../../core/access/can.ts'
import { signedIn, type Actor } from '../../core/access/policy.ts'
import { contentRules, participateInSpace, viewContent, type ContentFacts } from '../../core/access/spaces.policy.ts'
import { visibleProjectById } from '../projects/projects.ts'
import { readerRsvp } from './rsvp.queries.ts'
import { readerIs } from '../../core/access/reader-facts.ts'
import type { OrganiserKind } from './events.tables.ts'
import type { EventRow } from './events.queries.ts'

/** What the rules need to know about an event. Its creator counts as its author (they see it when hidden). */
export interface EventFacts extends ContentFacts {
  id: string
  organiserKind: OrganiserKind
  organiserId: string
  endsAt: string
  cancelledAt: string | null
  unconference: boolean
}

/** A pitched session: its pitcher is its author; it lives where its event does. */
export interface SessionFacts extends ContentFacts {
  event: EventFacts
}

/** A session's shared notes: written by its event's attendees, readable by everyone once the event is over. */
export interface NotesFacts {
  session: SessionFacts
  notesHiddenAt: string | null
}

declare module '../../core/access/can.ts' {
  interface Resources {
    event: EventFacts
    event_session: SessionFacts
    session_notes: NotesFacts
  }
}

export const eventFacts = (e: EventRow): EventFacts => ({
  id: e.id,
  spaceId: e.space_id,
  authorIds: [e.created_by],
  hiddenAt: e.hidden_at,
  organiserKind: e.organiser_kind,
  organiserId: e.organiser_id,
  endsAt: e.ends_at,
  cancelledAt: e.cancelled_at,
  unconference: Number(e.unconference) === 1,
})

const nowIso = () => new Date().toISOString()
const isOpen = (e: EventFacts) => e.cancelledAt === null && e.hiddenAt === null && e.endsAt > nowIso()
const isOver = (e: EventFacts) => e.endsAt <= nowIso()

/**
 * Organisers: the person themself; for an organisation, its members; for a project, its team; for a
 * community, its hosts and moderators. Asked of the other kinds' own rules, so "member of" means what
 * those modules say it means (docs/decisions/0010).
 */
async function organises(actor: Actor, e: EventFacts, ctx: RuleContext): Promise<boolean> {
  if (!signedIn(actor)) return false
  switch (e.organiserKind) {
    case 'person':
      return readerIs(actor, e.organiserId)
    case 'organisation':
      return ctx.can('contribute', 'organisation', { id: e.organiserId })
    case 'project': {
      const project = await visibleProjectById(ctx.db, actor, e.organiserId)
      return project !== null && ctx.can('contribute', 'project', project)
    }
    case 'community':
      return ctx.can('moderate', 'space', { id: e.organiserId })
  }
}

const replyOf = async (actor: Actor, e: EventFacts, ctx: RuleContext) => (await readerRsvp(ctx.db, actor, e.id))?.status ?? null
const factsOfSpace = (e: ContentFacts, ctx: RuleContext) => (e.spaceId ? ctx.space(e.spaceId) : Promise.resolve(null))

/**
 * Events. An event is content in its space (site content, or a community's space whose visibility it
 * follows); a stranger who may not see it gets 404.
 * - Organisers (see `organises`) change it, see who replied, build an unconference's grid, publish notes.
 * - People who may take part in its space (anyone signed in for site events; a community's active
 *   members for its events) reply going or not going while it is open (not cancelled, not over).
 * - The online link, pitching, voting and session notes are for attendees: people going, and organisers.
 */
export const eventPolicy = definePolicy('event', {
  view: viewContent,
  manage: async (actor, e, ctx) => (await viewContent(actor, e, ctx)) && organises(actor, e, ctx),
  edit: async (actor, e, ctx) => ctx.can('manage', 'event', e),
  participate: async (actor, e, ctx) => {
    if (!signedIn(actor) || !isOpen(e) || !(await viewContent(actor, e, ctx))) return false
    // Someone who already replied may always change their mind (e.g. after leaving the community).
    return participateInSpace(actor, await factsOfSpace(e, ctx)) || (await replyOf(actor, e, ctx)) !== null
  },
  attend: async (actor, e, ctx) => {
    if (!signedIn(actor) || !(await viewContent(actor, e, ctx))) return false
    return (await replyOf(actor, e, ctx)) === 'going' || organises(actor, e, ctx)
  },
  /** Pitch a session: attendees of an open unconference. */
  contribute: async (actor, e, ctx) => e.unconference && isOpen(e) && ctx.can('attend', 'event', e),
  moderate: contentRules.moderate,
  report: contentRules.report,
})

/** Pitched sessions: the pitcher edits their words; organisers and the space's moderators hide them. */
export const sessionPolicy = definePolicy('event_session', {
  view: async (actor, s, ctx) => (await ctx.can('view', 'event', s.event)) && ((await viewContent(actor, s, ctx)) || (await ctx.can('manage', 'event', s.event))),
  edit: async (actor, s, ctx) => (await ctx.can('view', 'event_session', s)) && contentRules.edit(actor, s, ctx),
  /** Vote for it: attendees, while the unconference is open. */
  participate: async (actor, s, ctx) => s.hiddenAt === null && s.event.unconference && isOpen(s.event) && ctx.can('attend', 'event', s.event),
  moderate: async (actor, s, ctx) => (await ctx.can('view', 'event_session', s)) && ((await ctx.can('manage', 'event', s.event)) || (await contentRules.moderate(actor, s, ctx))),
  report: async (actor, s, ctx) => signedIn(actor) && ctx.can('view', 'event_session', s),
})

/** Session notes: attendees write them together; everyone who may see the event reads them once it is over. */
export const notesPolicy = definePolicy('session_notes', {
  view: async (actor, n, ctx) => {
    if (!(await ctx.can('view', 'event_session', n.session))) return false
    if (n.notesHiddenAt !== null && !(await ctx.can('moderate', 'event_session', n.session))) return false
    return isOver(n.session.event) || ctx.can('attend', 'event', n.session.event)
  },
  edit: async (actor, n, ctx) => n.session.hiddenAt === null && n.notesHiddenAt === null && (await ctx.can('view', 'event_session', n.session)) && ctx.can('attend', 'event', n.session.event),
  moderate: async (actor, n, ctx) => ctx.can('moderate', 'event_session', n.session),
  report: async (actor, n, ctx) => signedIn(actor) && ctx.can('view', 'session_notes', n),
})
