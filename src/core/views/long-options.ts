import nunjucks from 'nunjucks'
import { escapeLikeNunjucks } from './escape.ts'

/** The value and text of the one option a template gives a select whose options `withOptions` puts in. */
export const OPTIONS_MARK = '\u0001options'

export interface Option {
  value: string
  text: string
}

const rendered = new WeakMap<readonly Option[], string>()

/**
 * A select whose long list of options is the same on every page (time zones: 418), written once per process: the
 * GOV.UK macro wrote every option through its template loop on every rendering (most of a settings page's 3 ms).
 * The template calls `govukSelect` with the single item `{ value: optionsMark, text: optionsMark }` (label, hint and
 * error as usual) and pipes it through `withOptions(list, value)`: the list's options, as the macro writes them,
 * replace that item, `value`'s marked selected. The list must be one array kept for the process (a module constant).
 */
export function registerLongOptions(env: nunjucks.Environment): void {
  env.addGlobal('optionsMark', OPTIONS_MARK)
  env.addFilter('withOptions', (html: unknown, list: readonly Option[], value: unknown) => {
    let options = rendered.get(list)
    if (options === undefined) {
      const select = String((env.getGlobal('govukSelect') as (params: unknown) => unknown)({ id: 'o', name: 'o', items: list }))
      options = select.slice(select.indexOf('<option'), select.lastIndexOf('</option>') + '</option>'.length)
      rendered.set(list, options)
    }
    const chosen = value === undefined || value === null ? null : `<option value="${escapeLikeNunjucks(String(value))}">`
    const filled = chosen && options.includes(chosen) ? options.replace(chosen, `${chosen.slice(0, -1)} selected>`) : options
    return new nunjucks.runtime.SafeString(String(html).replace(`<option value="${OPTIONS_MARK}">${OPTIONS_MARK}</option>`, () => filled))
  })
}
