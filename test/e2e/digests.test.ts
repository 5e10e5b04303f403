/**
 * Journey "compose and send a digest", in a real browser: a platform admin makes a member a digest editor; a
 * reader asks for digests by e-mail; the editor composes one from the reading list (fixing a missing title first),
 * previews the draft, publishes it, and the reader receives it (the in-process SMTP server) with plain-text and
 * HTML parts, the one-click unsubscribe and its one Message-ID; the archive and its feed list it for anyone. Every
 * page on the way is checked with axe (WCAG 2.2 AA), at 1280 px and the draft at 320 px too.
 */
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { wholeDatabase } from '../../src/database.ts'
import { createUser, type TestUser } from '../support/factories.ts'
import { assertNoFailures, checkPage, signInThroughForm, startE2E, step, submitAndLand, uniqueWord, visit, type E2E } from './support.ts'

describe('digests: an editor composes, previews, publishes and sends one', () => {
  let e2e: E2E
  let admin: TestUser
  let editor: TestUser
  let reader: TestUser
  before(async () => {
    e2e = await startE2E()
    admin = await createUser(e2e.database.db, { name: 'Ada Admin', handle: 'ada-admin', isAdmin: true })
    editor = await createUser(e2e.database.db, { name: 'Edie Editor', handle: 'edie-editor' })
    reader = await createUser(e2e.database.db, { name: 'Rui Reader', handle: 'rui-reader' })
  })
  after(async () => e2e?.close())

  it('grants the role, subscribes, composes, previews, publishes and mails', async () => {
    const word = uniqueWord('tides')
    const t = new Date().toISOString()
    await wholeDatabase(e2e.database)
      .insertInto('reading_items')
      .values({ id: `ri-${word}`, slug: `tide-tables-${word}`, url: `https://example.org/${word}`, title: `Tide tables done in the open ${word}`, summary: 'How a harbour board published its tide tables as open data.', added_by: reader.id, space_id: null, hidden_at: null, shown_at: t, created_at: t, updated_at: t })
      .execute()

    await step('a platform admin makes the member a digest editor', async () => {
      const page = await (await e2e.newContext()).newPage()
      await signInThroughForm(page, admin.email, admin.password)
      await visit(page, '/admin/digest-editors')
      await checkPage(page)
      await page.getByLabel('Handle').fill('edie-editor')
      await submitAndLand(page, () => page.getByRole('button', { name: 'Save' }).click(), /^\/admin\/digest-editors$/, 'granting the role')
      await checkPage(page)
      assert.match(await page.locator('main').innerText(), /Edie Editor \(@edie-editor\)/)
    })

    await step('a reader asks for digests by e-mail', async () => {
      const page = await (await e2e.newContext()).newPage()
      await signInThroughForm(page, reader.email, reader.password)
      await visit(page, '/digests')
      await submitAndLand(page, () => page.getByRole('button', { name: 'E-mail me new digests' }).click(), /^\/digests$/, 'subscribing')
      await checkPage(page)
      assert.match(await page.locator('main').innerText(), /You will get the editors’ digests by e-mail/)
    })

    const page = await (await e2e.newContext()).newPage()
    await step('the editor composes a digest, fixing a missing title, and previews the draft', async () => {
      await signInThroughForm(page, editor.email, editor.password)
      await visit(page, '/digests')
      await submitAndLand(page, () => page.getByRole('link', { name: 'Compose a digest' }).click(), /^\/digests\/new$/, 'opening the form')
      await checkPage(page)
      await page.getByLabel('Introduction').fill(`This month: **open tide tables** ${word}.`)
      await page.getByLabel(`Tide tables done in the open ${word}`).check()
      await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Save and preview' }).click()])
      assert.match(await page.locator('.govuk-error-summary').innerText(), /title/i)
      await checkPage(page)
      assert.equal(await page.getByLabel('Introduction').inputValue(), `This month: **open tide tables** ${word}.`, 'the text is kept')
      assert.ok(await page.getByLabel(`Tide tables done in the open ${word}`).isChecked(), 'the pick is kept')
      await page.getByLabel('Title').fill(`Harbour digest ${word}`)
      await submitAndLand(page, () => page.getByRole('button', { name: 'Save and preview' }).click(), /^\/digests\/[a-z0-9-]+$/, 'saving the draft')
      assert.equal(await checkPage(page), `Harbour digest ${word}`)
      assert.match(await page.locator('main').innerText(), /Draft digest: only you can see it/)
      assert.match(await page.locator('main').innerText(), new RegExp(`Tide tables done in the open ${word}`))
      await page.setViewportSize({ width: 320, height: 800 })
      await checkPage(page)
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 320), 'no sideways scrolling at 320 px')
      await page.setViewportSize({ width: 1280, height: 800 })
    })

    await step('the editor publishes it; the reader receives it by e-mail, readable as plain text', async () => {
      await submitAndLand(page, () => page.getByRole('button', { name: 'Publish and e-mail to subscribers' }).click(), /^\/digests\/[a-z0-9-]+$/, 'publishing')
      await checkPage(page)
      assert.match(await page.locator('main').innerText(), /Published, and on its way to subscribers/)
      const mail = await e2e.waitForMail(reader.email, new RegExp(`Harbour digest ${word}`), 40_000)
      assert.match(mail.raw, /^Content-Type: multipart\/alternative/im)
      assert.match(mail.raw, /^Content-Type: text\/plain/im)
      assert.match(mail.raw, /^Content-Type: text\/html/im)
      assert.match(mail.raw, /^List-Unsubscribe-Post: List-Unsubscribe=One-Click/m)
      assert.match(mail.raw, /^Message-ID: <digest\.[0-9a-f]{32}@/im)
      assert.match(mail.text, new RegExp(`\\* Tide tables done in the open ${word}`))
      assert.match(mail.text, /Unsubscribe with one click: http/)
      assert.equal(e2e.mail.filter((m) => m.to.includes(editor.email.toLowerCase()) && m.subject.includes(word)).length, 0, 'only subscribers get it')
    })

    await step('anyone finds it in the archive and its feed', async () => {
      const anon = await (await e2e.newContext()).newPage()
      await visit(anon, '/digests')
      await checkPage(anon)
      await submitAndLand(anon, () => anon.getByRole('link', { name: `Harbour digest ${word}` }).click(), /^\/digests\/[a-z0-9-]+$/, 'opening the digest')
      assert.equal(await checkPage(anon), `Harbour digest ${word}`)
      const feed = await (await fetch(`${e2e.baseUrl}/digests/feed.atom`)).text()
      assert.match(feed, new RegExp(`Harbour digest ${word}`))
    })
    assertNoFailures(e2e)
  })
})
