/** Digests go out from this local hour; the planner runs every quarter hour, so until noon it catches up after a pause. */
export const MORNING_FROM = 7
const MORNING_UNTIL = 12

const formats = new Map<string, Intl.DateTimeFormat>()

function format(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone)
  if (!f) {
    try {
      f = new Intl.DateTimeFormat('en-GB', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23', weekday: 'short' })
    } catch {
      f = format('Europe/London')
    }
    formats.set(timeZone, f)
  }
  return f
}

/** A person's local date (YYYY-MM-DD), and whether it is their morning and a Monday there, at this instant. */
export function localMorning(timeZone: string, at: Date): { day: string; isMorning: boolean; isMonday: boolean } {
  const parts = Object.fromEntries(format(timeZone).formatToParts(at).map((p) => [p.type, p.value]))
  const hour = Number(parts.hour)
  return { day: `${parts.year}-${parts.month}-${parts.day}`, isMorning: hour >= MORNING_FROM && hour < MORNING_UNTIL, isMonday: parts.weekday === 'Mon' }
}
