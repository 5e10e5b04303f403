/**
 * Time zones. Times are stored in UTC (decisions/0002); people read and write them in their own zone
 * (a profile setting, Europe/London by default, the zone anonymous pages are shown in), always named.
 * Intl does the calendar work; formatters are built once per zone (building one costs far more than using it).
 */

export const DEFAULT_TIME_ZONE = 'Europe/London'

const ZONES = new Set<string>([...Intl.supportedValuesOf('timeZone'), 'UTC'])

/** Every IANA zone this Node knows, for the profile's choice. */
const LISTED = [...ZONES].sort()
export const timeZones = (): string[] => LISTED

/** Whether Intl knows the zone: the listed ones and their aliases (Node lists Asia/Calcutta, and accepts Asia/Kolkata). */
export function isTimeZone(zone: unknown): zone is string {
  if (typeof zone !== 'string' || zone.length > 64) return false
  if (ZONES.has(zone)) return true
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone })
    ZONES.add(zone)
    return true
  } catch {
    return false
  }
}

const formatters = new Map<string, Intl.DateTimeFormat>()
function formatter(kind: 'date' | 'datetime' | 'parts', zone: string): Intl.DateTimeFormat {
  const key = `${kind} ${zone}`
  let f = formatters.get(key)
  if (!f) {
    const options: Intl.DateTimeFormatOptions =
      kind === 'date'
        ? { day: 'numeric', month: 'long', year: 'numeric', timeZone: zone }
        : kind === 'datetime'
          ? { day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: zone, timeZoneName: 'short' }
          : { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23', timeZone: zone }
    f = new Intl.DateTimeFormat('en-GB', options)
    formatters.set(key, f)
  }
  return f
}

const zoneOrDefault = (zone: string | null | undefined) => (isTimeZone(zone) ? zone : DEFAULT_TIME_ZONE)

const DAY_MS = 86_400_000
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']
/** A zone's offset through a whole UTC day, or null on a day its clocks change; per zone and day, bounded. */
const dayOffsets = new Map<string, number | null>()

/**
 * "23 November 2026" in the zone (the day it was there); empty for null. Intl formats with a time zone at about 10 µs
 * a call (20 dates were 5% of a search page's CPU): the zone's offset is looked up once per UTC day and the date written
 * from it; a day its clocks change, and years outside 1000–9999, go through Intl (time.test.ts compares the two).
 */
export function formatDate(iso: string | null | undefined, zone?: string | null): string {
  if (!iso) return ''
  const z = zoneOrDefault(zone)
  const ms = Date.parse(iso)
  if (ms >= -30_610_224_000_000 && ms < 253_370_764_800_000) {
    const day = Math.floor(ms / DAY_MS)
    const key = `${z} ${day}`
    let offset = dayOffsets.get(key)
    if (offset === undefined) {
      const start = wallClock(day * DAY_MS, z) - day * DAY_MS
      offset = start === wallClock((day + 1) * DAY_MS, z) - (day + 1) * DAY_MS ? start : null
      if (dayOffsets.size >= 20_000) dayOffsets.clear()
      dayOffsets.set(key, offset)
    }
    if (offset !== null) {
      const local = new Date(ms + offset)
      return `${local.getUTCDate()} ${MONTHS[local.getUTCMonth()]} ${local.getUTCFullYear()}`
    }
  }
  return formatter('date', z).format(new Date(iso))
}

/** "23 November 2026 at 09:30 GMT": the time in the zone, the zone named. */
export function formatDateTime(iso: string | null | undefined, zone?: string | null): string {
  return iso ? formatter('datetime', zoneOrDefault(zone)).format(new Date(iso)) : ''
}

/** The wall-clock fields of an instant in a zone, as if they were UTC (for offset arithmetic). */
function wallClock(ms: number, zone: string): number {
  const parts = formatter('parts', zone).formatToParts(new Date(ms))
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value)
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'))
}

/** "2026-11-23T09:30" (a datetime-local value) as the wall-clock time in the zone; '' for null. */
export function toZonedLocal(iso: string | null | undefined, zone?: string | null): string {
  if (!iso) return ''
  return new Date(wallClock(Date.parse(iso), zoneOrDefault(zone))).toISOString().slice(0, 16)
}

/**
 * A datetime-local value ("2026-11-23T09:30") read as the wall-clock time in the zone, as a UTC ISO string.
 * A time the clocks skip (the spring change) is null: it does not exist there. A time that happens twice
 * (the autumn change) is the first of the two.
 */
export function fromZonedLocal(local: string, zone?: string | null): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local)
  if (!m) return null
  const z = zoneOrDefault(zone)
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]))
  // The offsets in force a day either side cover both sides of any change; try the earlier instant first.
  const offsets = [...new Set([wallClock(wall - 86_400_000, z) - (wall - 86_400_000), wallClock(wall + 86_400_000, z) - (wall + 86_400_000)])]
  const candidates = offsets.map((o) => wall - o).sort((a, b) => a - b)
  const hit = candidates.find((t) => wallClock(t, z) === wall)
  return hit === undefined ? null : new Date(hit).toISOString()
}
