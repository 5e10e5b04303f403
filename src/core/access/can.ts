import type { Db } from '../db/database.ts'
import type { CoreDb } from '../core.tables.ts'
import type { Actor } from './policy.ts'
import type { MembershipStatus, SpaceRole, SpaceVisibility } from './access.tables.ts'

/**
 * THE decision function: `can(db, actor, action, kind, resource)` answers every question of the form
 * "may this actor do this to this thing". Each kind of resource has its rules in one policy file,
 * declared in its module's manifest (`policies`) and registered when the app is built; core adds the
 * space rules (core/access/spaces.policy.ts). Nothing else decides. Lists use `visibleTo`
 * (core/access/policy.ts), which states the same view rules in SQL.
 *
 * Answering false for 'view' means the caller answers 404, never 403.
 */

/**
 * What the policy needs to know about each kind of resource. Every module adds its kinds by
 * declaration merging (`declare module '../../core/access/can.ts' { interface Resources { project: ProjectFacts } }`),
 * so `can` is type-checked against the kind it is asked about.
 */
export interface Resources {}

export type Kind = keyof Resources & string

/** The verbs of the policy. Not every kind answers every action: an unanswered action is refused. */
export type Action =
  | 'view'
  | 'edit'
  | 'manage'
  | 'moderate'
  | 'host'
  | 'participate'
  /** Name an organisation as a project's lead or partner, or confirm such a request: speaking for it. */
  | 'speakFor'
  /** Attach one's own content to a project or organisation (it then shows on their page). */
  | 'contribute'
  | 'report'
  | 'suspend'
  /** Publish content with links straight away, without waiting for a moderator's approval (trust levels, core/access/trust.ts). */
  | 'publishLinks'
  /** Vote for or against a proposal (a charter amendment). */
  | 'vote'
  /** Sign a charter (for oneself; signing for an organisation also needs `speakFor` it). */
  | 'sign'
  /** Be among an event's attendees (going, or organising it): see its online link, pitch and vote, write session notes. */
  | 'attend'
  /** Hand something over to another owner (a challenge to another organisation). */
  | 'transfer'

/** One space's visibility and the actor's standing in it, loaded once per decision. */
export interface SpaceFacts {
  visibility: SpaceVisibility
  role: SpaceRole | null
  status: MembershipStatus | null
  /** A platform admin's live, audited "access as admin" grant to a members-only space. */
  adminAccess: boolean
}

/** What a rule gets besides the actor and the resource: the database and the space facts loader. */
export interface RuleContext {
  db: Db
  /** Facts about a space for this actor (memoised per decision); null when the space does not exist. */
  space(spaceId: string): Promise<SpaceFacts | null>
  /** Asks another rule (of this or another kind) within the same decision. */
  can<K extends Kind>(action: Action, kind: K, resource: Resources[K]): Promise<boolean>
}

export type Rule<R> = (actor: Actor, resource: R, ctx: RuleContext) => boolean | Promise<boolean>

export interface Policy<K extends Kind = Kind> {
  kind: K
  rules: Partial<Record<Action, Rule<Resources[K]>>>
}

/** Declares the rules of one kind of resource (a policy file exports one of these). */
export function definePolicy<K extends Kind>(kind: K, rules: Partial<Record<Action, Rule<Resources[K]>>>): Policy<K> {
  return { kind, rules }
}

const registry = new Map<string, Policy<any>>()

/** Registers policies (buildApp does it for core and every module's manifest). A kind has one policy. */
export function registerPolicies(policies: Array<Policy<any>>): void {
  for (const p of policies) {
    const existing = registry.get(p.kind)
    if (existing && existing !== p) throw new Error(`Two policies for "${p.kind}"`)
    registry.set(p.kind, p)
  }
}

/** Loads a space's visibility and the actor's membership (and an admin's access grant) in one query. */
export async function spaceFacts(db: CoreDb, actor: Actor, spaceId: string): Promise<SpaceFacts | null> {
  const at = new Date().toISOString()
  const row = await db
    .selectFrom('spaces')
    .leftJoin('space_members', (join) => join.onRef('space_members.space_id', '=', 'spaces.id').on('space_members.user_id', '=', actor.userId ?? ''))
    .leftJoin('space_admin_access', (join) =>
      join
        .onRef('space_admin_access.space_id', '=', 'spaces.id')
        .on('space_admin_access.admin_id', '=', actor.isAdmin ? (actor.userId ?? '') : '')
        .on('space_admin_access.expires_at', '>', at),
    )
    .select(['spaces.visibility', 'space_members.role', 'space_members.status', 'space_admin_access.admin_id as grant'])
    .where('spaces.id', '=', spaceId)
    .executeTakeFirst()
  if (!row) return null
  return { visibility: row.visibility, role: row.role ?? null, status: row.status ?? null, adminAccess: row.grant !== null && row.grant !== undefined }
}

function context(db: Db, actor: Actor): RuleContext {
  const spaces = new Map<string, Promise<SpaceFacts | null>>()
  const ctx: RuleContext = {
    db,
    space(spaceId) {
      let facts = spaces.get(spaceId)
      if (!facts) spaces.set(spaceId, (facts = spaceFacts(db, actor, spaceId)))
      return facts
    },
    can: (action, kind, resource) => decide(ctx, actor, action, kind, resource),
  }
  return ctx
}

async function decide<K extends Kind>(ctx: RuleContext, actor: Actor, action: Action, kind: K, resource: Resources[K]): Promise<boolean> {
  const policy = registry.get(kind)
  if (!policy) throw new Error(`No policy registered for "${kind}"`)
  const rule = policy.rules[action]
  return rule ? rule(actor, resource, ctx) : false
}

/** May `actor` do `action` to this resource of `kind`? */
export async function can<K extends Kind>(db: Db, actor: Actor, action: Action, kind: K, resource: Resources[K]): Promise<boolean> {
  return decide(context(db, actor), actor, action, kind, resource)
}
