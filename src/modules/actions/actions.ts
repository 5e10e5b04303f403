import type { Db } from '../../core/db/database.ts'
import { can } from '../../core/access/can.ts'
import type { Actor } from '../../core/access/policy.ts'
import { readerIs } from '../../core/access/reader-facts.ts'
import { holdForApproval } from '../../core/access/trust.ts'
import { newId, now } from '../../core/db/ids.ts'
import { invalid, notFound } from '../../core/errors.ts'
import type { Values } from '../../core/http/forms.ts'
import { fromZonedLocal, toZonedLocal } from '../../core/time.ts'
import { peopleByIds } from '../accounts/accounts.ts'
import { noteProjectActivity, projectsByIds, projectsOfPerson, readerProjects, visibleProjectById } from '../projects/projects.ts'
import { actionFacts } from './actions.policy.ts'
import { countActionsSince, deleteActionRow, findActionById, insertAction, listActionRows, setActionHiddenAt, type ActionFilter, type ActionRow } from './actions.queries.ts'
import type { actionSchema } from './actions.schemas.ts'

export type ActionInput = Values<typeof actionSchema>
export type { ActionRow }

/** A practical action as pages, feeds and the API show it. */
export interface ActionCard {
  id: string
  text: string
  url: string
  createdAt: string
  author: { id: string; handle: string; name: string; public: boolean } | null
  /** The project it names, only when the reader may see the project. */
  project: { slug: string; name: string } | null
  hidden: boolean
}

/** Logs a practical action for the actor. A project, when named, must be one they are on. */
export async function logAction(db: Db, actor: Actor & { userId: string }, input: ActionInput): Promise<ActionRow> {
  let projectId: string | null = null
  let spaceId: string | null = null
  if (input.project) {
    const mine = await projectsOfPerson(db, actor, actor.userId)
    if (!mine.some((p) => p.id === input.project)) throw invalid({ project: 'Select a project you are on, or none' })
    projectId = input.project
    // An action on a community's project lives in that community: who may not see the project never reads it.
    spaceId = (await visibleProjectById(db, actor, projectId))?.space_id ?? null
  }
  const id = newId()
  // A link from a new account waits for a moderator's approval, as in posts and comments.
  const hiddenAt = await holdForApproval(db, actor, { type: 'practical_action', id, spaceId, title: input.text, url: '/actions', text: `${input.text} ${input.url}` })
  const row: ActionRow = { id, author_id: actor.userId, text: input.text, url: input.url, project_id: projectId, space_id: spaceId, hidden_at: hiddenAt, shown_at: null, created_at: now() }
  // Shown now, or (held) when a moderator approves it: followers hear of it then (decision 0038).
  row.shown_at = hiddenAt ? null : row.created_at
  await insertAction(db, row)
  // A practical action on a project is a sign of life for the directory ("is this still live?").
  if (projectId && !hiddenAt) await noteProjectActivity(db, projectId, row.created_at)
  return row
}

/** Removes one of the actor's own practical actions (404 for anything else). */
export async function removeAction(db: Db, actor: Actor, id: string): Promise<void> {
  const row = await findActionById(db, id)
  if (!row || !(await can(db, actor, 'edit', 'practical_action', actionFacts(row)))) throw notFound('Practical action')
  await deleteActionRow(db, id)
}

/** Hides or restores a practical action (moderation). */
export async function setActionHidden(db: Db, id: string, hidden: boolean): Promise<void> {
  await setActionHiddenAt(db, id, hidden ? now() : null)
}

/**
 * Each card marked `mine` when the reader wrote it (their Remove button instead of Report): read with readerIs, so a
 * page shared between readers (decision 0028) is not served to the authors it shows.
 */
export function markMine<T extends { author: { id: string } | null }>(actor: Actor, cards: T[]): Array<T & { mine: boolean }> {
  return cards.map((c) => ({ ...c, mine: c.author !== null && readerIs(actor, c.author.id) }))
}

/** A page of practical actions the actor may see, labelled: everyone's, a person's or a project's. */
export async function listActions(db: Db, actor: Actor, filter: ActionFilter): Promise<{ items: ActionCard[]; next: string | null }> {
  const page = await listActionRows(db, actor, filter)
  return { items: await actionCards(db, actor, page.items), next: page.next }
}

/** Labels rows with their authors and (visible) projects, in two batched look-ups. */
export async function actionCards(db: Db, actor: Actor, rows: ActionRow[]): Promise<ActionCard[]> {
  const [people, projects] = await Promise.all([
    peopleByIds(db, rows.map((r) => r.author_id)),
    projectsByIds(db, actor, rows.flatMap((r) => (r.project_id ? [r.project_id] : []))),
  ])
  return rows.map((r) => {
    const p = people.get(r.author_id)
    const project = r.project_id ? projects.get(r.project_id) : undefined
    return {
      id: r.id,
      text: r.text,
      url: r.url,
      createdAt: r.created_at,
      author: p ? { id: p.id, handle: p.handle, name: p.name, public: p.public } : null,
      project: project ? { slug: project.slug, name: project.name } : null,
      hidden: r.hidden_at !== null,
    }
  })
}

/** Local midnight of a calendar date in the zone (01:00 where the clocks skip midnight), as a UTC ISO string. */
function midnight(date: Date, zone: string): string {
  const day = date.toISOString().slice(0, 10)
  return fromZonedLocal(`${day}T00:00`, zone) ?? fromZonedLocal(`${day}T01:00`, zone) ?? `${day}T00:00:00.000Z`
}

/** When this week (from Monday) and this calendar month began, in the zone, at this instant. */
export function calendarStarts(at: number, zone: string): { week: string; month: string } {
  const [y, m, d] = toZonedLocal(new Date(at).toISOString(), zone).slice(0, 10).split('-').map(Number) as [number, number, number]
  const today = new Date(Date.UTC(y, m - 1, d))
  const sinceMonday = (today.getUTCDay() + 6) % 7
  return { week: midnight(new Date(Date.UTC(y, m - 1, d - sinceMonday)), zone), month: midnight(new Date(Date.UTC(y, m - 1, 1)), zone) }
}

/**
 * How many practical actions a person logged this week (from Monday) and this calendar month, in the reader's time
 * zone as every date on the page is (what anyone may see of them): "12 practical actions this month, 3 this week".
 */
export async function actionCounts(db: Db, personId: string, zone: string, at = Date.now()): Promise<{ week: number; month: number }> {
  const { week, month } = calendarStarts(at, zone)
  return countActionsSince(db, personId, week, month)
}

/** The projects the actor may name on a practical action: those they are on. */
export async function projectChoices(db: Db, actor: Actor & { userId: string }): Promise<Array<{ value: string; text: string }>> {
  return (await readerProjects(db, actor)).map((p) => ({ value: p.id, text: p.name }))
}


