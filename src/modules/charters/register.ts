import { stringify } from 'csv-stringify/sync'
import type { Db } from '../../core/db/database.ts'
import type { Actor } from '../../core/access/policy.ts'
import type { CharterRow } from './charters.queries.ts'
import { exportBatch } from './signatures.queries.ts'
import { labelSignatures, type SignatureView } from './signatures.ts'

/**
 * The register's open-data export (CSV and JSON) and the embeddable badge. The export holds what the
 * register shows: organisations, and people who chose to be named, with withdrawn signatures marked.
 */

const BATCH = 1000

/** One signatory in the export (the same fields in CSV and JSON). */
export interface ExportRecord {
  signatory_type: 'organisation' | 'person'
  name: string
  profile_url: string
  organisation_type: string
  country: string
  status: 'active' | 'withdrawn'
  signed_at: string
  version_signed: number
  version_confirmed: number
  confirmed_current_version: boolean
  withdrawn_at: string
  commitment: string
  signature_url: string
}

function record(baseUrl: string, charter: CharterRow, s: SignatureView): ExportRecord {
  return {
    signatory_type: s.kind,
    name: s.signatory.name,
    profile_url: s.signatory.href ? `${baseUrl}${s.signatory.href}` : '',
    organisation_type: s.signatory.organisation?.type ?? '',
    country: s.signatory.organisation?.country ?? '',
    status: s.status,
    signed_at: s.signed_at,
    version_signed: s.version_signed,
    version_confirmed: s.version_confirmed,
    confirmed_current_version: s.status === 'active' && s.current,
    withdrawn_at: s.withdrawn_at ?? '',
    commitment: s.commitment,
    signature_url: `${baseUrl}/charters/${charter.slug}/signatures/${s.id}`,
  }
}

/** Every named signatory of the charter, oldest signature first, read in batches of a thousand. */
export async function exportRecords(db: Db, actor: Actor, charter: CharterRow, baseUrl: string): Promise<ExportRecord[]> {
  const out: ExportRecord[] = []
  let cursor: { at: string; id: string } | null = null
  for (;;) {
    const rows = await exportBatch(db, charter.id, cursor, BATCH)
    // A named person whose profile is no longer public (suspended, hidden) is left out of the open data.
    for (const s of await labelSignatures(db, actor, charter, rows)) if (s.kind === 'organisation' || s.signatory.person?.public) out.push(record(baseUrl, charter, s))
    if (rows.length < BATCH) return out
    const last = rows[rows.length - 1]!
    cursor = { at: last.signed_at, id: last.id }
  }
}

export const EXPORT_COLUMNS: Array<keyof ExportRecord> = ['signatory_type', 'name', 'profile_url', 'organisation_type', 'country', 'status', 'signed_at', 'version_signed', 'version_confirmed', 'confirmed_current_version', 'withdrawn_at', 'commitment', 'signature_url']

export function exportCsv(records: ExportRecord[]): string {
  return stringify(records, { header: true, columns: EXPORT_COLUMNS, cast: { boolean: (v) => (v ? 'yes' : 'no') } })
}

// ---------------------------------------------------------------- the badge

const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

/** About how wide text is at 11px in a sans-serif font (the badge sizes itself; no font metrics at hand). */
const textWidth = (s: string) => Math.ceil([...s].reduce((w, c) => w + (/[ il.,:'’|!]/.test(c) ? 3.2 : /[mwMW@]/.test(c) ? 9.5 : /[A-Z0-9]/.test(c) ? 7.4 : 6.3), 0))

export interface BadgeState {
  /** Left part, e.g. the charter's title. */
  label: string
  /** Right part: "Signed", "Signed version 2 of 3", "Withdrawn". */
  status: string
  tone: 'current' | 'earlier' | 'withdrawn'
  /** The full sentence for screen readers and the image's text alternative. */
  description: string
  href: string
}

const TONES: Record<BadgeState['tone'], string> = { current: '#00703c', earlier: '#7a4b00', withdrawn: '#505a5f' }

/** What the badge says about an organisation's signature. */
export function badgeState(baseUrl: string, charter: CharterRow, organisationName: string, s: { id: string; status: string; version_signed: number; version_confirmed: number }, pilot: boolean): BadgeState {
  const href = `${baseUrl}/charters/${charter.slug}/signatures/${s.id}`
  const label = charter.title.length > 40 ? `${charter.title.slice(0, 39)}…` : charter.title
  if (s.status === 'withdrawn') return { label, status: 'Signature withdrawn', tone: 'withdrawn', description: `${organisationName} signed “${charter.title}” and has withdrawn its signature.`, href }
  const current = s.version_confirmed >= charter.current_version
  const status = `${pilot ? 'Signatory and pilot' : 'Signatory'} · ${current ? `version ${charter.current_version}` : `version ${s.version_confirmed}, not yet ${charter.current_version}`}`
  const description = current
    ? `${organisationName} has signed “${charter.title}” and agrees to its current version (${charter.current_version})${pilot ? ', and is piloting it' : ''}.`
    : `${organisationName} signed “${charter.title}” at version ${s.version_confirmed}; it has not yet confirmed the current version (${charter.current_version})${pilot ? '. It is piloting the charter' : ''}.`
  return { label, status, tone: current ? 'current' : 'earlier', description, href }
}

/**
 * The badge as SVG: an image with a title and description (role="img"), the status in words (never colour
 * alone), white text on colours with at least 4.5:1 contrast, and a link to the signature when the SVG is
 * opened or embedded as an object. As an <img>, the embed snippet wraps it in the link.
 */
export function badgeSvg(state: BadgeState): string {
  const pad = 8
  const left = textWidth(state.label) + pad * 2
  const right = textWidth(state.status) + pad * 2
  const width = left + right
  const label = escapeXml(state.label)
  const status = escapeXml(state.status)
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="22" viewBox="0 0 ${width} 22" role="img" aria-labelledby="badge-title badge-desc">
<title id="badge-title">${escapeXml(`${state.label}: ${state.status}`)}</title>
<desc id="badge-desc">${escapeXml(state.description)}</desc>
<a href="${escapeXml(state.href)}" target="_top">
<rect width="${left}" height="22" fill="#0b0c0c"/>
<rect x="${left}" width="${right}" height="22" fill="${TONES[state.tone]}"/>
<g fill="#ffffff" font-family="Arial, Helvetica, sans-serif" font-size="11" aria-hidden="true">
<text x="${pad}" y="15">${label}</text>
<text x="${left + pad}" y="15">${status}</text>
</g>
</a>
</svg>
`
}
