// A challenge's phase, decided at read time from its dates, like a scheduled post's visibility.
// An organiser may move it by hand; the move holds until the next date passes, then the dates lead again.

export const PHASES = ['upcoming', 'ideas', 'review', 'shortlist', 'winners', 'closed'] as const
export type Phase = (typeof PHASES)[number]

export const PHASE_LABELS: Record<Phase, string> = {
  upcoming: 'Opening soon',
  ideas: 'Ideas open',
  review: 'In review',
  shortlist: 'Shortlist',
  winners: 'Winners announced',
  closed: 'Closed',
}
export const PHASE_CLASSES: Record<Phase, string> = {
  upcoming: 'govuk-tag--grey',
  ideas: 'govuk-tag--green',
  review: 'govuk-tag--blue',
  shortlist: 'govuk-tag--purple',
  winners: 'govuk-tag--yellow',
  closed: 'govuk-tag--grey',
}

/** The dates of a challenge, one per phase after 'upcoming' (when that phase starts). */
export interface PhaseDates {
  ideas_open_at: string
  review_at: string
  shortlist_at: string
  winners_at: string
  closes_at: string
  moved_phase: string | null
  moved_at: string | null
}

export const DATE_FIELDS = ['ideas_open_at', 'review_at', 'shortlist_at', 'winners_at', 'closes_at'] as const
const STARTS: Record<(typeof DATE_FIELDS)[number], Phase> = { ideas_open_at: 'ideas', review_at: 'review', shortlist_at: 'shortlist', winners_at: 'winners', closes_at: 'closed' }

/** The phase the dates alone give at `at`, and when it started ('' for upcoming). */
function byDates(d: PhaseDates, at: string): { phase: Phase; since: string } {
  let current: { phase: Phase; since: string } = { phase: 'upcoming', since: '' }
  for (const field of DATE_FIELDS) if (d[field] <= at) current = { phase: STARTS[field], since: d[field] }
  return current
}

/** The phase at `at` (now by default): an organiser's move, unless a date passed since it. */
export function phaseOf(d: PhaseDates, at = new Date().toISOString()): Phase {
  const dated = byDates(d, at)
  if (d.moved_phase && d.moved_at && d.moved_at >= dated.since && d.moved_at <= at && (PHASES as readonly string[]).includes(d.moved_phase)) return d.moved_phase as Phase
  return dated.phase
}

/** The timeline the challenge page shows: each phase with its start, and whether it is past, current or to come. */
export function timelineOf(d: PhaseDates, at = new Date().toISOString()): Array<{ phase: Phase; label: string; startsAt: string; state: 'past' | 'current' | 'future' }> {
  const current = PHASES.indexOf(phaseOf(d, at))
  return DATE_FIELDS.map((field) => {
    const phase = STARTS[field]
    const i = PHASES.indexOf(phase)
    return { phase, label: PHASE_LABELS[phase], startsAt: d[field], state: i < current ? 'past' : i === current ? 'current' : 'future' }
  })
}

/** Field errors when the dates are not in order (each phase must start after the one before). */
export function dateOrderErrors(d: Record<(typeof DATE_FIELDS)[number], string | null>, labels: Record<string, string>): Record<string, string> {
  const errors: Record<string, string> = {}
  for (let i = 1; i < DATE_FIELDS.length; i++) {
    const before = d[DATE_FIELDS[i - 1]!]
    const field = DATE_FIELDS[i]!
    const value = d[field]
    if (before && value && value <= before) errors[field] = `${labels[field]} must be after ${labels[DATE_FIELDS[i - 1]!]!.toLowerCase()}`
  }
  return errors
}
