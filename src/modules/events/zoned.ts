/**
 * Times in a named IANA time zone, with nothing but Intl: an event is entered as wall-clock time in
 * its zone, stored as UTC, and shown again in that zone with the zone named (see docs/decisions).
 */

/** Every zone a person may pick: the runtime's IANA zones, plus UTC (which Intl does not list). */
export const TIME_ZONES: readonly string[] = ['UTC', ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')]
const KNOWN = new Set(TIME_ZONES)

/** The zone a new event starts with until a person's preference exists. */
export const DEFAULT_TIME_ZONE = 'Europe/London'

export const isTimeZone = (zone: string): boolean => KNOWN.has(zone)

/**
 * The listed name of a zone a person or API client gave, or null when it is no zone: aliases and any
 * letter case are accepted ("Asia/Kolkata" → "Asia/Calcutta", "utc" → "UTC"), as Intl resolves them.
 */
export function canonicalZone(zone: string): string | null {
  if (KNOWN.has(zone)) return zone
  if (zone.length > 60 || !/^[A-Za-z0-9_+\-/]+$/.test(zone)) return null
  try {
    const resolved = new Intl.DateTimeFormat('en-GB', { timeZone: zone }).resolvedOptions().timeZone
    const name = resolved === 'Etc/UTC' || resolved === 'Etc/GMT' ? 'UTC' : resolved
    return KNOWN.has(name) ? name : null
  } catch {
    return null
  }
}

const partsFormatters = new Map<string, Intl.DateTimeFormat>()
function partsFormatter(zone: string): Intl.DateTimeFormat {
  let f = partsFormatters.get(zone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
    partsFormatters.set(zone, f)
  }
  return f
}

/** Wall-clock fields of instant `t` in `zone`. */
function wallClock(t: number, zone: string): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const out: Record<string, number> = {}
  for (const p of partsFormatter(zone).formatToParts(new Date(t))) if (p.type !== 'literal') out[p.type] = Number(p.value)
  return { year: out.year!, month: out.month!, day: out.day!, hour: out.hour! % 24, minute: out.minute!, second: out.second! }
}

/**
 * Offsets by zone and quarter hour: Intl's formatToParts costs tens of microseconds, and a list of
 * events asks for the same few offsets many times. Clocks change on a quarter hour in every zone.
 */
const offsets = new Map<string, number>()
const QUARTER_HOUR = 900_000

/** The zone's offset from UTC at instant `t`, in minutes (east positive). */
export function offsetMinutes(zone: string, t: number): number {
  const key = `${zone}|${Math.floor(t / QUARTER_HOUR)}`
  const known = offsets.get(key)
  if (known !== undefined) return known
  const w = wallClock(t, zone)
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second)
  const offset = Math.round((asUtc - Math.floor(t / 1000) * 1000) / 60_000)
  if (offsets.size > 20_000) offsets.clear()
  offsets.set(key, offset)
  return offset
}

/** The wall-clock fields of `t` in `zone`, read off a UTC date shifted by the zone's offset. */
function shifted(t: number, zone: string): Date {
  return new Date(t + offsetMinutes(zone, t) * 60_000)
}

const LOCAL = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/

export type ZonedResult = { ok: true; iso: string } | { ok: false; reason: 'invalid' | 'gap' }

/**
 * "2026-12-01T10:00" in `zone` → the UTC instant. 'invalid' for text that is no real date and time,
 * 'gap' for a time the clocks skip (the hour lost when summer time starts). A time that happens twice
 * (the hour repeated in autumn) is taken as the first.
 */
export function zonedToUtc(local: string, zone: string): ZonedResult {
  const m = LOCAL.exec(local.trim())
  if (!m || !KNOWN.has(zone)) return { ok: false, reason: 'invalid' }
  const [year, month, day, hour, minute] = m.slice(1).map(Number) as [number, number, number, number, number]
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || year < 1970 || year > 9999) return { ok: false, reason: 'invalid' }
  const wall = Date.UTC(year, month - 1, day, hour, minute)
  if (new Date(wall).getUTCDate() !== day) return { ok: false, reason: 'invalid' } // 31 November and the like
  // Try the offsets in force just before and after: the earlier instant that shows this wall time wins.
  const candidates = [...new Set([offsetMinutes(zone, wall - 86_400_000), offsetMinutes(zone, wall), offsetMinutes(zone, wall + 86_400_000)])]
    .map((offset) => wall - offset * 60_000)
    .filter((t) => toLocal(t, zone) === local.trim())
    .sort((a, b) => a - b)
  if (candidates.length === 0) return { ok: false, reason: 'gap' }
  return { ok: true, iso: new Date(candidates[0]!).toISOString() }
}

const pad = (n: number) => String(n).padStart(2, '0')

function toLocal(t: number, zone: string): string {
  const d = shifted(t, zone)
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`
}

/** A UTC ISO string as "YYYY-MM-DDTHH:MM" in `zone` (a datetime-local form value). */
export function utcToZoned(iso: string, zone: string): string {
  return toLocal(Date.parse(iso), isTimeZone(zone) ? zone : 'UTC')
}

/** "UTC+1", "UTC+5:30", "UTC-3", "UTC+0". */
export function offsetLabel(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+'
  const abs = Math.abs(minutes)
  return `UTC${sign}${Math.floor(abs / 60)}${abs % 60 ? `:${pad(abs % 60)}` : ''}`
}

/** "Berlin time" for Europe/Berlin, "Port of Spain time", "UTC" for UTC. */
export function zoneLabel(zone: string): string {
  if (zone === 'UTC') return 'UTC'
  return `${zone.split('/').pop()!.replace(/_/g, ' ')} time`
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']

/** "Tuesday 1 December 2026" (GOV.UK style), in the zone. */
function dateText(t: number, zone: string): string {
  const d = shifted(t, zone)
  return `${WEEKDAYS[d.getUTCDay()]} ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`
}

/** "09:30" (24-hour), in the zone. */
function timeText(t: number, zone: string): string {
  const d = shifted(t, zone)
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`
}

export interface When {
  /** "Tuesday 1 December 2026" */
  date: string
  /** "10:00 to 12:00", or "10:00 on Tuesday 1 December to 16:00 on Wednesday 2 December 2026" over several days */
  time: string
  /** "Berlin time (UTC+1)" */
  zone: string
  /** The whole sentence: "Tuesday 1 December 2026, 10:00 to 12:00 Berlin time (UTC+1)" */
  text: string
  /** Start time alone ("10:00") for compact lists and grids. */
  startTime: string
  endTime: string
}

export function describeWhen(startIso: string, endIso: string, zoneIn: string): When {
  const zone = isTimeZone(zoneIn) ? zoneIn : 'UTC'
  const start = Date.parse(startIso)
  const end = Date.parse(endIso)
  const date = dateText(start, zone)
  const endDate = dateText(end, zone)
  const startTime = timeText(start, zone)
  const endTime = timeText(end, zone)
  const zoneText = `${zoneLabel(zone)} (${offsetLabel(offsetMinutes(zone, start))})`
  const time = date === endDate ? `${startTime} to ${endTime}` : `${startTime} on ${date} to ${endTime} on ${endDate}`
  const text = date === endDate ? `${date}, ${time} ${zoneText}` : `${time} ${zoneText}`
  return { date, time, zone: zoneText, text, startTime, endTime }
}

/** The time zone field's options, one list for the process (its select is written once: core/views/long-options.ts). */
export const TIME_ZONE_OPTIONS: ReadonlyArray<{ value: string; text: string }> = TIME_ZONES.map((z) => ({ value: z, text: z.replace(/_/g, ' ') }))
