import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import nunjucks from 'nunjucks'
import { LRUCache } from 'lru-cache'
import { newSubmissionToken } from '../http/submissions.ts'
import { formatDate, formatDateTime, toZonedLocal } from '../time.ts'
import { registerLongOptions } from './long-options.ts'

const here = dirname(fileURLToPath(import.meta.url))
const root = join(here, '..', '..', '..')

/** The reader's time zone, from the render context (`reply.render` puts it there). */
type FilterThis = { ctx?: { timeZone?: string } }

/** Plain text for a meta description: whitespace collapsed, Markdown marks dropped, cut at a word near `max` characters. */
export function metaText(text: string | null | undefined, max = 200): string {
  const flat = String(text ?? '').replace(/[*_`#>\[\]]+/g, '').replace(/\s+/g, ' ').trim()
  if (flat.length <= max) return flat
  const cut = flat.slice(0, max)
  return `${cut.slice(0, cut.lastIndexOf(' ') > max / 2 ? cut.lastIndexOf(' ') : max).replace(/[\s,.;:–-]+$/, '')}…`
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

/** GOV.UK Frontend macros every template may call, by component folder. */
const GOVUK_MACROS: Record<string, string> = {
  govukBreadcrumbs: 'breadcrumbs',
  govukButton: 'button',
  govukCheckboxes: 'checkboxes',
  govukDetails: 'details',
  govukErrorSummary: 'error-summary',
  govukFieldset: 'fieldset',
  govukFileUpload: 'file-upload',
  govukInput: 'input',
  govukInsetText: 'inset-text',
  govukNotificationBanner: 'notification-banner',
  govukPagination: 'pagination',
  govukPanel: 'panel',
  govukRadios: 'radios',
  govukSelect: 'select',
  govukSummaryList: 'summary-list',
  govukTable: 'table',
  govukTag: 'tag',
  govukTextarea: 'textarea',
  govukWarningText: 'warning-text',
}

/**
 * GOV.UK macros' output by their parameters (see memoised), bounded by characters as well as entries (decision 0043):
 * a key may be 4,000 characters and an output several times that, so 2,000 entries alone could hold tens of MB.
 */
const MACRO_OUTPUTS = new LRUCache<string, object>({ max: 2000, maxSize: 8_000_000, sizeCalculation: (out, key) => key.length + String(out).length })

/** What the kept macro outputs hold (entries, characters of keys and outputs), for the memory figures. */
export const keptMacroOutputs = (): { entries: number; chars: number } => ({ entries: MACRO_OUTPUTS.size, chars: MACRO_OUTPUTS.calculatedSize })
/** Parameters longer than this (a textarea holding a bio) are rendered, not kept: they are one reader's and one page's. */
const MAX_KEY = 4000

/**
 * A GOV.UK macro whose output is kept by its parameters: the macros are pure functions of them, and most calls on a
 * page repeat (a button, a settings page's radios, the same input with the same label): rendering them took most of
 * a form page's time (1–2 ms). Calls with a body (`{% call %}`) or parameters that cannot be written as JSON are rendered.
 */
function memoised(name: string, macro: (...args: unknown[]) => object): (...args: unknown[]) => object {
  return function (this: unknown, ...args: unknown[]) {
    const params = args[0]
    if (args.length !== 1 || typeof params !== 'object' || params === null) return macro.apply(this, args)
    let key: string
    try {
      key = name + JSON.stringify(params)
    } catch {
      return macro.apply(this, args)
    }
    if (key.length > MAX_KEY) return macro.apply(this, args)
    let out = MACRO_OUTPUTS.get(key)
    if (out === undefined) MACRO_OUTPUTS.set(key, (out = macro.apply(this, args)))
    return out
  }
}

/**
 * Makes the GOV.UK macros globals, loaded once per process (memoised above). A `{% from … import … %}` in the layout
 * re-runs each macro file on every render: measured 0.2 ms of a 0.36 ms page render for 19 imports.
 */
function registerGovukMacros(env: nunjucks.Environment): void {
  for (const [name, folder] of Object.entries(GOVUK_MACROS)) {
    const template = env.getTemplate(`govuk/components/${folder}/macro.njk`, true)
    ;(template as unknown as { getExported(cb: (err: Error | null, exported: Record<string, unknown>) => void): void }).getExported((err, exported) => {
      if (err) throw err
      env.addGlobal(name, memoised(name, exported[name] as (...args: unknown[]) => object))
    })
  }
}

/**
 * One Nunjucks environment: core templates, then each module's views, then govuk-frontend.
 * Templates are namespaced by folder (`projects/show.njk`) so modules cannot clash.
 */
export function createViewEnvironment(moduleViewDirs: string[]): nunjucks.Environment {
  const paths = [join(here, 'templates'), ...moduleViewDirs, join(root, 'node_modules', 'govuk-frontend', 'dist')]
  const env = new nunjucks.Environment(new nunjucks.FileSystemLoader(paths, { noCache: false }), { autoescape: true, throwOnUndefined: false })
  // Dates and times in the reader's zone (core/time.ts), the zone named with every time.
  env.addFilter('date', function (this: FilterThis, iso: string | null) {
    return formatDate(iso, this.ctx?.timeZone)
  })
  env.addFilter('datetime', function (this: FilterThis, iso: string | null) {
    return formatDateTime(iso, this.ctx?.timeZone)
  })
  env.addFilter('isoDate', (iso: string | null) => (iso ? new Date(iso).toISOString() : ''))
  env.addFilter('datetimeLocal', function (this: FilterThis, iso: string | null) {
    return toZonedLocal(iso, this.ctx?.timeZone)
  })
  // A person's name, linked to their profile only when it is public (hidden and suspended profiles are 404s).
  env.addFilter('personLink', (p: { handle: string; name: string; public?: boolean } | null | undefined) => {
    if (!p) return ''
    const name = escapeHtml(p.name)
    return new nunjucks.runtime.SafeString(p.public === false ? name : `<a class="govuk-link" href="/people/${escapeHtml(p.handle)}">${name}</a>`)
  })
  // Every create form carries a one-time token (core/http/submissions.ts).
  env.addGlobal('newSubmissionToken', newSubmissionToken)
  // Descriptions for <meta> and sharing previews: one line of plain text, cut at a word near 200 characters.
  env.addFilter('metaText', metaText)
  env.addFilter('plural', (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`)
  registerGovukMacros(env)
  registerLongOptions(env)
  env.addFilter('json', (v: unknown) => new nunjucks.runtime.SafeString(JSON.stringify(v).replace(/</g, '\\u003c')))
  return env
}
