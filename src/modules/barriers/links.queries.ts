import type { BarriersDb } from './barriers.tables.ts'

// The wiki's links: barrier ↔ solution, barrier → charter section, solution → project. Inserting an
// existing link changes nothing (double submits and races make one link).

export type LinkTarget = 'solution' | 'barrier' | 'section' | 'project'

/** Links a barrier and a solution; false when they were linked already. */
export async function insertWikiLink(db: BarriersDb, barrierId: string, solutionId: string, by: string, at: string): Promise<boolean> {
  const r = await db.insertInto('wiki_links').values({ barrier_id: barrierId, solution_id: solutionId, created_by: by, created_at: at }).onConflict((oc) => oc.columns(['barrier_id', 'solution_id']).doNothing()).executeTakeFirst()
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0
}

export async function insertCharterLink(db: BarriersDb, entryId: string, sectionId: string, by: string, at: string): Promise<boolean> {
  const r = await db.insertInto('wiki_charter_links').values({ entry_id: entryId, section_id: sectionId, created_by: by, created_at: at }).onConflict((oc) => oc.columns(['entry_id', 'section_id']).doNothing()).executeTakeFirst()
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0
}

export async function insertProjectLink(db: BarriersDb, entryId: string, projectId: string, by: string, at: string): Promise<boolean> {
  const r = await db.insertInto('wiki_project_links').values({ entry_id: entryId, project_id: projectId, created_by: by, created_at: at }).onConflict((oc) => oc.columns(['entry_id', 'project_id']).doNothing()).executeTakeFirst()
  return Number(r.numInsertedOrUpdatedRows ?? 0) > 0
}

/** One link from a page, with who made it (to decide who may remove it); undefined when there is none. */
export async function findLink(db: BarriersDb, entry: { id: string; kind: string }, target: LinkTarget, targetId: string): Promise<{ created_by: string | null } | undefined> {
  switch (target) {
    case 'solution':
      return db.selectFrom('wiki_links').select('created_by').where('barrier_id', '=', entry.id).where('solution_id', '=', targetId).executeTakeFirst()
    case 'barrier':
      return db.selectFrom('wiki_links').select('created_by').where('solution_id', '=', entry.id).where('barrier_id', '=', targetId).executeTakeFirst()
    case 'section':
      return db.selectFrom('wiki_charter_links').select('created_by').where('entry_id', '=', entry.id).where('section_id', '=', targetId).executeTakeFirst()
    case 'project':
      return db.selectFrom('wiki_project_links').select('created_by').where('entry_id', '=', entry.id).where('project_id', '=', targetId).executeTakeFirst()
  }
}

/** Who made each of a page's links, keyed `<target>:<id>` (to decide who may remove them), in two queries. */
export async function linkMakers(db: BarriersDb, entry: { id: string; kind: string }): Promise<Map<string, string | null>> {
  const barrier = entry.kind === 'barrier'
  const [pages, others] = await Promise.all([
    barrier
      ? db.selectFrom('wiki_links').select(['solution_id as id', 'created_by']).where('barrier_id', '=', entry.id).execute()
      : db.selectFrom('wiki_links').select(['barrier_id as id', 'created_by']).where('solution_id', '=', entry.id).execute(),
    barrier
      ? db.selectFrom('wiki_charter_links').select(['section_id as id', 'created_by']).where('entry_id', '=', entry.id).execute()
      : db.selectFrom('wiki_project_links').select(['project_id as id', 'created_by']).where('entry_id', '=', entry.id).execute(),
  ])
  return new Map([...pages.map((r) => [`${barrier ? 'solution' : 'barrier'}:${r.id}`, r.created_by] as const), ...others.map((r) => [`${barrier ? 'section' : 'project'}:${r.id}`, r.created_by] as const)])
}

export async function deleteLink(db: BarriersDb, entry: { id: string }, target: LinkTarget, targetId: string): Promise<void> {
  switch (target) {
    case 'solution':
      await db.deleteFrom('wiki_links').where('barrier_id', '=', entry.id).where('solution_id', '=', targetId).execute()
      return
    case 'barrier':
      await db.deleteFrom('wiki_links').where('solution_id', '=', entry.id).where('barrier_id', '=', targetId).execute()
      return
    case 'section':
      await db.deleteFrom('wiki_charter_links').where('entry_id', '=', entry.id).where('section_id', '=', targetId).execute()
      return
    case 'project':
      await db.deleteFrom('wiki_project_links').where('entry_id', '=', entry.id).where('project_id', '=', targetId).execute()
  }
}

/** Ids of the pages on the other side of a page's barrier–solution links, oldest link first. */
export async function linkedEntryIds(db: BarriersDb, entry: { id: string; kind: string }): Promise<string[]> {
  const rows =
    entry.kind === 'barrier'
      ? await db.selectFrom('wiki_links').select('solution_id as id').where('barrier_id', '=', entry.id).orderBy('created_at').limit(200).execute()
      : await db.selectFrom('wiki_links').select('barrier_id as id').where('solution_id', '=', entry.id).orderBy('created_at').limit(200).execute()
  return rows.map((r) => r.id)
}

/** Charter sections a barrier is linked to, oldest link first. */
export async function linkedSectionIds(db: BarriersDb, entryId: string): Promise<string[]> {
  const rows = await db.selectFrom('wiki_charter_links').select('section_id').where('entry_id', '=', entryId).orderBy('created_at').limit(200).execute()
  return rows.map((r) => r.section_id)
}

/** Projects a solution is linked to, oldest link first. */
export async function linkedProjectIds(db: BarriersDb, entryId: string): Promise<string[]> {
  const rows = await db.selectFrom('wiki_project_links').select('project_id').where('entry_id', '=', entryId).orderBy('created_at').limit(200).execute()
  return rows.map((r) => r.project_id)
}

/** Solutions linked to a project (for the project page's panel), newest link first. */
export async function entryIdsOfProject(db: BarriersDb, projectId: string): Promise<string[]> {
  const rows = await db.selectFrom('wiki_project_links').select('entry_id').where('project_id', '=', projectId).orderBy('created_at', 'desc').limit(50).execute()
  return rows.map((r) => r.entry_id)
}

/** Barriers linked to any of these charter sections (for the charter page's panel), oldest link first. */
export async function linksToSections(db: BarriersDb, sectionIds: string[]): Promise<Array<{ entry_id: string; section_id: string }>> {
  if (sectionIds.length === 0) return []
  return db.selectFrom('wiki_charter_links').select(['entry_id', 'section_id']).where('section_id', 'in', sectionIds).orderBy('created_at').limit(500).execute()
}

/** How many links each page has to the other kind, for list cards. */
export async function linkCounts(db: BarriersDb, kind: string, ids: string[]): Promise<Map<string, number>> {
  if (ids.length === 0) return new Map()
  const column = kind === 'barrier' ? 'barrier_id' : 'solution_id'
  const rows = await db
    .selectFrom('wiki_links')
    .select([`${column} as id`, (eb) => eb.fn.countAll<number>().as('n')])
    .where(column, 'in', ids)
    .groupBy(column)
    .execute()
  return new Map(rows.map((r) => [r.id as string, Number(r.n)]))
}
