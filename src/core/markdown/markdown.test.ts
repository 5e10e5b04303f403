import { test } from 'node:test'
import assert from 'node:assert/strict'
import { markdownToText, renderMarkdown, sanitizeUserHtml } from './markdown.ts'

const attacks = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '[click](javascript:alert(1))',
  '[click](JaVaScRiPt:alert(1))',
  '[click](  javascript:alert(1))',
  '[x](vbscript:msgbox(1))',
  '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '![x](javascript:alert(1))',
  '<a href="javascript:alert(1)">x</a>',
  '<svg onload=alert(1)>',
  '<iframe src="https://evil.example"></iframe>',
  '<div style="background:url(javascript:alert(1))">x</div>',
  '[x](&#106;avascript:alert(1))',
]

// Live markup only: the same words shown as escaped text are harmless.
const DANGER = /<(script|iframe|svg|object|embed)|<[^>]+\son\w+\s*=|<[^>]+(href|src)\s*=\s*["']?\s*(javascript|vbscript|data):|<[^>]+style=/i

test('rendered Markdown never contains script, event handlers or javascript: links', () => {
  for (const input of attacks) {
    const html = renderMarkdown(input)
    assert.doesNotMatch(html, DANGER, `${input} → ${html}`)
  }
})

test('sanitising stored HTML strips the same things', () => {
  for (const input of attacks) {
    const html = sanitizeUserHtml(input)
    assert.doesNotMatch(html, DANGER, `${input} → ${html}`)
  }
})

test('ordinary Markdown renders with GOV.UK classes and safe links', () => {
  const html = renderMarkdown('# Week 12\n\nWe **shipped** the [alpha](https://example.org).\n\n- one\n- two')
  assert.match(html, /<h2>Week 12<\/h2>/)
  assert.match(html, /<p class="govuk-body">We <strong>shipped<\/strong>/)
  assert.match(html, /<a href="https:\/\/example.org" class="govuk-link" rel="nofollow ugc noopener">alpha<\/a>/)
  assert.match(html, /<li>one<\/li>/)
})

test('plain text drops markup', () => {
  assert.equal(markdownToText('**Bold** and [link](https://x.org) <b>tag</b> & more'), 'Bold and link <b>tag</b> & more')
})

test('images from other hosts become links (no reader’s browser fetches them); the site’s own images stay', () => {
  const html = renderMarkdown('![A pixel](https://tracker.example/p.gif?u=1) ![Chart](/images/abc123) ![](//evil.example/x.png) ![x](http://plain.example/a.png)')
  assert.doesNotMatch(html, /<img[^>]+src="(https?:)?\/\//)
  assert.match(html, /<a href="https:\/\/tracker\.example\/p\.gif\?u=1" class="govuk-link" rel="nofollow ugc noopener">Image: A pixel \(tracker\.example\)<\/a>/)
  assert.match(html, /<img src="\/images\/abc123" alt="Chart" \/>/)
  assert.match(html, /Image: x \(plain\.example\)/)
  assert.doesNotMatch(sanitizeUserHtml('<p><img src="https://t.example/x.gif" alt="pixel"><img src="javascript:alert(1)"></p>'), /<img/)
})
