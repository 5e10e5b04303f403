import type { Db } from '../../core/db/database.ts'
import { can } from '../../core/access/can.ts'
import type { Actor } from '../../core/access/policy.ts'
import { now } from '../../core/db/ids.ts'
import { AppError, invalid, notFound } from '../../core/errors.ts'
import { charterSectionsByIds, charterSections, listCharters, type CharterSectionRef } from '../charters/charters.ts'
import { projectsByIds, visibleProjectBySlug, type ProjectSummary } from '../projects/projects.ts'
import { KIND_TEXT, listEntries, viewableEntry, type EntryCard, type EntryRow } from './barriers.ts'
import { deleteLink, findLink, insertCharterLink, insertProjectLink, insertWikiLink, linkedEntryIds, linkedProjectIds, linkedSectionIds, type LinkTarget } from './links.queries.ts'

// Links from a wiki page: barriers ↔ solutions (many-to-many), a barrier → the charter sections it bears
// on (through the charters module), a solution → the projects that used it (through the projects module).

/** "https://…/solutions/a-slug", "/solutions/a-slug#x" or "a-slug" → "a-slug". */
export const slugIn = (text: string) => text.trim().replace(/[?#].*$/, '').replace(/\/+$/, '').split('/').pop() ?? ''

/** What a page links to, as the reader may see it: hidden pages, charters and projects they may not see are left out. */
export interface LinksView {
  entries: EntryCard[]
  sections: CharterSectionRef[]
  projects: ProjectSummary[]
}

export async function linksOf(db: Db, actor: Actor, entry: EntryRow): Promise<LinksView> {
  const [entryIds, sectionIds, projectIds] = await Promise.all([
    linkedEntryIds(db, entry),
    entry.kind === 'barrier' ? linkedSectionIds(db, entry.id) : Promise.resolve([]),
    entry.kind === 'solution' ? linkedProjectIds(db, entry.id) : Promise.resolve([]),
  ])
  const [entries, sections, projects] = await Promise.all([
    listEntries(db, actor, { kind: KIND_TEXT[entry.kind].other, ids: entryIds, cursor: null, limit: 200 }),
    sectionIds.length ? charterSectionsByIds(db, actor, sectionIds) : Promise.resolve(new Map<string, CharterSectionRef>()),
    projectIds.length ? projectsByIds(db, actor, projectIds) : Promise.resolve(new Map<string, ProjectSummary>()),
  ])
  return {
    entries: entries.items,
    sections: sectionIds.flatMap((id) => sections.get(id) ?? []),
    projects: projectIds.flatMap((id) => projects.get(id) ?? []),
  }
}

const refuse = (message: string) => invalid({ target: message })

/** Links a barrier and a solution, from either page; the other page must be one the actor may take part in. */
export async function linkEntries(db: Db, actor: Actor & { userId: string }, entry: EntryRow, target: string): Promise<void> {
  const other = KIND_TEXT[entry.kind].other
  const missing = `There is no ${other} at “${target.slice(0, 80)}”: enter the address of a ${other}, like ${KIND_TEXT[other].path}/its-name`
  let found: EntryRow
  try {
    found = await viewableEntry(db, actor, other, slugIn(target))
  } catch (err) {
    if (err instanceof AppError && err.status === 404) throw refuse(missing)
    throw err
  }
  if (!(await can(db, actor, 'participate', other, found))) throw refuse(missing)
  const [barrier, solution] = entry.kind === 'barrier' ? [entry, found] : [found, entry]
  await insertWikiLink(db, barrier.id, solution.id, actor.userId, now())
}

/** The sections of the charters the actor may see (the ten most recently changed), for the link form. */
export async function sectionChoices(db: Db, actor: Actor): Promise<Array<{ value: string; text: string }>> {
  const charters = await listCharters(db, actor, null, 10)
  const lists = await Promise.all(charters.map((c) => charterSections(db, actor, c.slug)))
  return lists.flatMap((l) => (l ? l.sections.map((s) => ({ value: s.id, text: `${l.charter.title}: ${s.number}. ${s.heading}` })) : []))
}

/** Links a barrier to a section of a charter the actor may see. */
export async function linkSection(db: Db, actor: Actor & { userId: string }, entry: EntryRow, sectionId: string): Promise<void> {
  if (entry.kind !== 'barrier') throw notFound()
  const found = await charterSectionsByIds(db, actor, [sectionId])
  if (!found.has(sectionId)) throw refuse('Select a section of a charter from the list')
  await insertCharterLink(db, entry.id, sectionId, actor.userId, now())
}

/** Links a solution to a project that used it: said by the project's team (`contribute`), so its page shows only what it vouched for. */
export async function linkProject(db: Db, actor: Actor & { userId: string }, entry: EntryRow, target: string): Promise<void> {
  if (entry.kind !== 'solution') throw notFound()
  const project = await visibleProjectBySlug(db, actor, slugIn(target))
  if (!project) throw refuse(`There is no project at “${target.slice(0, 80)}”: enter the address of a project, like /projects/its-name`)
  if (!(await can(db, actor, 'contribute', 'project', project))) throw refuse(`Only the team of “${project.name}” can say it used this solution`)
  await insertProjectLink(db, entry.id, project.id, actor.userId, now())
}

/** Removes a link: whoever made it, or a moderator. A link that is not there is a 404. */
export async function unlink(db: Db, actor: Actor, entry: EntryRow, target: LinkTarget, targetId: string): Promise<void> {
  const link = await findLink(db, entry, target, targetId)
  if (!link || !(await can(db, actor, 'edit', 'wikiLink', { entry, createdBy: link.created_by }))) throw notFound('Link')
  await deleteLink(db, entry, target, targetId)
}
