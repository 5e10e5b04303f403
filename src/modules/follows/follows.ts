import type { Db } from '../../core/db/database.ts'
import type { Actor } from '../../core/access/policy.ts'
import type { AppModule } from '../../core/module.ts'
import { byRecency, type ActivityItem, type ActivitySource, type ActivityWindow, type Followable, type SubjectRef } from '../../core/activity.ts'
import { now } from '../../core/db/ids.ts'
import { notFound } from '../../core/errors.ts'
import { encodeCursor, type Cursor } from '../../core/http/pagination.ts'
import { deleteFollow, followedBy, insertFollow, readerFollowed, readerFollows, readerSettings, settingsOf, upsertSetting } from './follows.queries.ts'
import { ANY_TYPE, DEFAULT_DELIVERY, DELIVERIES, type Delivery } from './follows.tables.ts'

/** What the modules declared: the kinds people can follow and the kinds of activity they hear of. */
export interface Registries {
  followables: Map<string, Followable>
  sources: Map<string, ActivitySource>
}

export function registriesOf(modules: AppModule[]): Registries {
  return {
    followables: new Map(modules.flatMap((m) => Object.entries(m.followables ?? {}))),
    sources: new Map(modules.flatMap((m) => Object.entries(m.activitySources ?? {}))),
  }
}

const keyOf = (s: SubjectRef) => `${s.kind}:${s.id}`

/** Follows something the person may see (else 404, as if it did not exist). Idempotent. */
export async function follow(db: Db, reg: Registries, actor: Actor & { userId: string }, subject: SubjectRef): Promise<{ title: string; url: string }> {
  const found = (await reg.followables.get(subject.kind)?.load(db, actor, [subject.id]))?.get(subject.id)
  if (!found) throw notFound()
  await insertFollow(db, actor.userId, subject, now())
  return found
}

export async function unfollow(db: Db, actor: Actor & { userId: string }, subject: SubjectRef): Promise<void> {
  await deleteFollow(db, actor.userId, subject)
}

/** Whether the reader follows this (noted, not personal, on a shared page: core/access/reader-facts.ts). */
export async function follows(db: Db, actor: Actor, subject: SubjectRef): Promise<boolean> {
  return readerFollows(db, actor, subject)
}

/** Names and pages of subjects, as the actor may see them now (others are absent). One query per kind. */
export async function labelsOf(db: Db, reg: Registries, actor: Actor, subjects: SubjectRef[]): Promise<Map<string, { kind: string; title: string; url: string }>> {
  const out = new Map<string, { kind: string; title: string; url: string }>()
  const kinds = [...new Set(subjects.map((s) => s.kind))]
  await Promise.all(
    kinds.map(async (kind) => {
      const found = await reg.followables.get(kind)?.load(db, actor, [...new Set(subjects.filter((s) => s.kind === kind).map((s) => s.id))])
      for (const [id, v] of found ?? []) out.set(`${kind}:${id}`, { kind, ...v })
    }),
  )
  return out
}

/**
 * What the person follows and may still see, grouped by kind, and how many followed things they may no longer see
 * (hidden since, or in a community they left): those are only counted, never named nor identified. Read through
 * the reader's facts and the access filter only, so /following is kept for them between changes (decision 0045).
 */
export async function myFollows(db: Db, reg: Registries, actor: Actor) {
  const followed = await readerFollowed(db, actor)
  const labels = await labelsOf(db, reg, actor, followed)
  const groups = [...reg.followables.entries()]
    .map(([kind, f]) => ({
      kind,
      label: f.label,
      items: followed.flatMap((s) => {
        const label = s.kind === kind ? labels.get(keyOf(s)) : undefined
        return label ? [{ ...s, label }] : []
      }),
    }))
    .filter((g) => g.items.length > 0)
  return { groups, unseen: followed.filter((s) => !labels.has(keyOf(s))).length }
}

/** Stops following everything the person may no longer see. */
export async function unfollowUnseen(db: Db, reg: Registries, actor: Actor & { userId: string }): Promise<void> {
  const followed = await followedBy(db, actor.userId)
  const labels = await labelsOf(db, reg, actor, followed)
  for (const s of followed) if (!labels.has(keyOf(s))) await deleteFollow(db, actor.userId, s)
}

/** The person's delivery for each kind of activity (read as their fact, as myFollows). */
export async function mySettings(db: Db, reg: Registries, actor: Actor): Promise<Array<{ type: string; label: string; delivery: Delivery }>> {
  const chosen = await readerSettings(db, actor)
  return [...reg.sources.entries()].map(([type, s]) => ({ type, label: s.label, delivery: chosen?.get(type) ?? chosen?.get(ANY_TYPE) ?? DEFAULT_DELIVERY }))
}

/** Saves the choices given (unknown types and values are refused by the caller's form check). */
export async function saveSettings(db: Db, reg: Registries, userId: string, values: Record<string, Delivery>): Promise<void> {
  const at = now()
  for (const [type, delivery] of Object.entries(values)) if (reg.sources.has(type) && DELIVERIES.includes(delivery)) await upsertSetting(db, userId, type, delivery, at)
}

/** The activity types each person hears of with this delivery (or any but 'off' for the timeline). */
export function typesFor(reg: Registries, chosen: Map<string, Delivery> | undefined, want: (d: Delivery) => boolean): string[] {
  return [...reg.sources.keys()].filter((type) => want(chosen?.get(type) ?? chosen?.get(ANY_TYPE) ?? DEFAULT_DELIVERY))
}

/**
 * Activity about these subjects that the actor may see now, from the given sources, merged newest first
 * (at most `window.limit`). Each source applies the access policy as the actor: this is the one read path of
 * timelines, immediate e-mails and digests.
 */
export async function activityAbout(db: Db, reg: Registries, actor: Actor, subjects: SubjectRef[], types: string[], window: ActivityWindow): Promise<ActivityItem[]> {
  if (!subjects.length || !types.length) return []
  const lists = await Promise.all(types.map((type) => reg.sources.get(type)!.list(db, actor, subjects, window)))
  return lists.flat().sort(byRecency).slice(0, window.limit)
}

export interface TimelineItem extends ActivityItem {
  /** The followed things it is about, as the reader may see them. */
  because: Array<{ title: string; url: string }>
}

/** A page of the person's home timeline: what the things they follow did, newest first, as they may see it now. */
export async function timeline(db: Db, reg: Registries, actor: Actor & { userId: string }, cursor: Cursor | null, limit: number): Promise<{ items: TimelineItem[]; next: string | null }> {
  const [subjects, settings] = await Promise.all([followedBy(db, actor.userId), settingsOf(db, [actor.userId])])
  const types = typesFor(reg, settings.get(actor.userId), (d) => d !== 'off')
  const rows = await activityAbout(db, reg, actor, subjects, types, { before: cursor, since: null, limit: limit + 1 })
  const page = rows.slice(0, limit)
  const labels = await labelsOf(db, reg, actor, page.flatMap((i) => i.subjects))
  const items = page.map((i) => ({ ...i, because: dedupe(i.subjects.map((s) => labels.get(keyOf(s))).filter((l) => l !== undefined)) }))
  const last = page[page.length - 1]
  return { items, next: rows.length > limit && last ? encodeCursor({ at: last.at, id: `${last.type}:${last.id}` }) : null }
}

function dedupe<T extends { url: string }>(list: T[]): T[] {
  const seen = new Set<string>()
  return list.filter((x) => !seen.has(x.url) && (seen.add(x.url), true))
}
