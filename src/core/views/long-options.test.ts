import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createViewEnvironment } from './environment.ts'
import { timeZones } from '../time.ts'

/** withOptions writes exactly what the GOV.UK macro writes with the whole list, whichever option is chosen. */
test('a select with its options put in by withOptions is the GOV.UK macro’s select, byte for byte', () => {
  const env = createViewEnvironment([])
  const list = timeZones().map((z) => ({ value: z, text: z.replace(/_/g, ' ') }))
  const params = `label: { text: "Time zone", classes: "govuk-label--s" }, hint: { text: "Dates & times" }, id: "tz", name: "tz", errorMessage: { text: error } if error`
  const macro = `{{ govukSelect({ ${params}, items: list, value: value }) }}`
  const filled = `{{ govukSelect({ ${params}, items: [{ value: optionsMark, text: optionsMark }] }) | withOptions(list, value) }}`
  for (const [value, error] of [['Europe/London', null], ['America/Argentina/Buenos_Aires', 'Choose a zone'], ['', null], [undefined, null], ['Not/A_Zone', null], ['UTC', null]] as const) {
    const expected = env.renderString(macro, { list, value, error })
    assert.equal(env.renderString(filled, { list, value, error }), expected, `chosen: ${value}`)
    if (value && list.some((o) => o.value === value)) assert.equal(expected.split(' selected').length, 2, 'one option selected')
  }
  // An option value with characters to escape.
  const odd = [{ value: 'a"b&<c>\'\\d', text: 'Odd & "quoted"' }, { value: 'plain', text: 'Plain' }]
  const chosen = env.renderString(filled, { list: odd, value: odd[0]!.value })
  assert.equal(chosen, env.renderString(macro, { list: odd, value: odd[0]!.value }))
  assert.match(chosen, / selected>/)
})
