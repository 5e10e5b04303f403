import { test } from 'node:test'
import assert from 'node:assert/strict'
import { changeCounts, diffLineHtml, diffParagraphsHtml, differs, normaliseText, paragraphsOf, wordDiff } from './diff.ts'

const visible = (html: string) => html.replace(/<span class="govuk-visually-hidden">[^<]*<\/span>/g, '').replace(/<[^>]+>/g, '')

test('word diff marks added and removed words, and says so in words for screen readers', () => {
  const parts = wordDiff('We publish our code.', 'We publish all our code openly.')
  assert.deepEqual(
    parts.filter((p) => p.kind !== 'same').map((p) => [p.kind, p.text.trim()]),
    [
      ['added', 'all'],
      ['added', 'openly'],
    ],
  )
  const html = diffParagraphsHtml(parts, 'inline')
  assert.match(html, /<ins class="openly-diff__added"><span class="govuk-visually-hidden">added: <\/span>all<span class="govuk-visually-hidden"> \(end of added text\)<\/span><\/ins>/)
  assert.equal(visible(html), 'We publish all our code openly.')
  assert.deepEqual(changeCounts(parts), { added: 2, removed: 0 })
})

test('side by side: the before column shows removals only, the after column additions only', () => {
  const parts = wordDiff('Staff may not upload photos.', 'Staff may upload photos and video.')
  const before = diffParagraphsHtml(parts, 'before')
  const after = diffParagraphsHtml(parts, 'after')
  assert.equal(visible(before), 'Staff may not upload photos.')
  assert.equal(visible(after), 'Staff may upload photos and video.')
  assert.match(before, /<del[^>]*>.*removed: .*not/)
  assert.doesNotMatch(before, /<ins/)
  assert.doesNotMatch(after, /<del/)
})

test('paragraph breaks are part of the text: splitting a paragraph shows as a change', () => {
  assert.ok(differs('One. Two.', 'One.\n\nTwo.'))
  const parts = wordDiff('One. Two.', 'One.\n\nTwo.')
  const inline = diffParagraphsHtml(parts, 'inline')
  assert.match(inline, /added: <\/span><span aria-hidden="true">¶<\/span><span class="govuk-visually-hidden">paragraph break/)
  assert.equal((diffParagraphsHtml(parts, 'after').match(/<p /g) ?? []).length, 2)
  assert.equal((diffParagraphsHtml(parts, 'before').match(/<p /g) ?? []).length, 1)
})

test('spacing alone is not a change; text is escaped', () => {
  assert.equal(differs('Open  by\n default.', 'Open by default.'), false)
  assert.equal(normaliseText(' a \n\n\n b  c '), 'a\n\nb c')
  assert.deepEqual(paragraphsOf('First\nline.\n\nSecond.'), ['First line.', 'Second.'])
  const html = diffLineHtml(wordDiff('<b>Open</b>', '<b>Open</b> & shared'), 'inline')
  assert.doesNotMatch(html, /<b>/)
  assert.match(html, /&lt;b&gt;Open&lt;\/b&gt;/)
  assert.match(html, /&amp; shared/)
})
