/**
 * Journey "work in the open", in a real browser against a real server and SMTP server:
 * sign up → confirm the e-mail address from the mail received → add an organisation → add a project led
 * by it → write a weeknote on the project with a Markdown preview (with and without JavaScript) →
 * publish → find it through search → see it in the project's Atom feed with an absolute link.
 * Every page on the way is checked for one h1 and a useful title, and each kind of page with axe (WCAG 2.2 AA).
 */
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { Page } from 'playwright-core'
import { assertNoFailures, step, submitAndLand, assertSignedIn, checkPage, linksIn, signInThroughForm, startE2E, uniqueWord, visit, type E2E } from './support.ts'

describe('work in the open: from sign-up to a weeknote in a project feed', () => {
  let e2e: E2E
  before(async () => {
    e2e = await startE2E()
  })
  after(async () => {
    await e2e?.close()
  })

  it('signs up, adds an organisation and a project, publishes a weeknote, finds it and reads it in the feed', async () => {
    const word = uniqueWord('kelpie')
    const person = { name: 'Morwenna Tregear', email: `morwenna-${word}@openly.example`, handle: `morwenna-${word}`.slice(0, 30), password: 'seven tidal harbours at dusk' }
    const orgName = `Kernow Borough Council ${word}`
    const projectName = `Street lighting repairs ${word}`
    const postTitle = `Weeknotes: ${word} street lights`
    const context = await e2e.newContext()
    const page = await context.newPage()

    await step('sign up by keyboard', async () => {
      await visit(page, '/sign-up')
      // Keyboard only: focus the first field, type, Tab to the next, and submit with Enter.
      await page.getByLabel('Full name').focus()
      await page.keyboard.type(person.name)
      for (const [id, value] of [['email', person.email], ['handle', person.handle], ['password', person.password]] as const) {
        await page.keyboard.press('Tab')
        assert.equal(await page.evaluate(() => document.activeElement?.id), id, `Tab from the previous field should reach #${id}`)
        await page.keyboard.type(value)
      }
      await Promise.all([page.waitForEvent('load'), page.keyboard.press('Enter')])
      await page.waitForLoadState('load')
      const h1 = await checkPage(page)
      assert.equal(h1, 'Check your email', `after signing up (${page.url()})`)
    })

    await step('confirm the e-mail address from the mail', async () => {
      const mail = await e2e.waitForMail(person.email)
      const link = linksIn(mail).find((l) => l.includes('/verify-email?token='))
      assert.ok(link, `the mail "${mail.subject}" should contain a /verify-email?token= link; it reads:\n${mail.text}`)
      assert.ok(link.startsWith(`${e2e.baseUrl}/verify-email?token=`), `the link should be absolute on the site's base URL: ${link}`)
      await page.goto(link)
      await checkPage(page)
      await assertSignedIn(page)
      // The link works once.
      const again = await context.newPage()
      await again.goto(link)
      await checkPage(again)
      await again.close()
    })

    const orgSlug = await step('add an organisation', async () => {
      await visit(page, '/organisations/new')
      await page.getByLabel('Name', { exact: true }).fill(orgName)
      await page.getByLabel('Type of organisation').selectOption({ label: 'Local government' })
      await page.getByLabel('Country').selectOption({ label: 'United Kingdom' })
      await page.getByLabel('Region (optional)').fill('Cornwall')
      await page.getByLabel('Website (optional)').fill('https://kernow.example.gov.uk')
      await page.getByLabel('Description (optional)').fill('A fictional borough council that publishes its street works in the open.')
      // Themes come from the directory's vocabulary, as checkboxes.
      for (const theme of ['Transport', 'Open data']) await page.getByRole('group', { name: 'Themes (optional)' }).getByLabel(theme, { exact: true }).check()
      await submitAndLand(page, () => page.getByRole('button', { name: 'Add organisation' }).click(), /^\/organisations\/[a-z0-9-]+$/, 'adding the organisation')
      assert.equal(await checkPage(page), orgName)
      return new URL(page.url()).pathname.split('/').pop()!
    })

    const projectSlug = await step('add a project led by the organisation', async () => {
      await visit(page, '/projects/new')
      await page.getByLabel('Project name').fill(projectName)
      await page.getByLabel('Summary', { exact: true }).fill('Residents report broken street lights and follow each repair in the open.')
      await page.getByRole('group', { name: 'Phase' }).getByLabel('Alpha').check()
      await page.getByLabel('The problem (optional)').fill('Broken lights are reported by phone and nobody can see when they will be fixed.')
      await page.getByLabel('Who it is for (optional)').fill('Residents, especially people walking home after dark.')
      await page.getByRole('group', { name: 'Themes (optional)' }).getByLabel('Transport', { exact: true }).check()
      await page.getByLabel('Lead organisation (optional)').fill(orgSlug)
      await submitAndLand(page, () => page.getByRole('button', { name: 'Add project' }).click(), /^\/projects\/[a-z0-9-]+$/, 'adding the project')
      assert.equal(await checkPage(page), projectName)
      const orgLink = page.locator(`main a[href="/organisations/${orgSlug}"]`)
      assert.ok((await orgLink.count()) > 0, `the project page should link to its lead organisation /organisations/${orgSlug}`)
      return new URL(page.url()).pathname.split('/').pop()!
    })

    const body = `## What we did\n\nWe **mapped** every ${word} lamp post on the high street.\n\n- 14 repairs logged\n- 3 waiting for parts`

    await step('preview a weeknote with JavaScript: live preview and the Preview button', async () => {
      await visit(page, '/posts/new')
      await page.getByLabel('Title', { exact: true }).fill(postTitle)
      await page.getByLabel('Post', { exact: true }).fill(body)
      // The enhancement posts the text to /preview as the person types.
      const pane = page.locator('#preview-pane')
      await pane.locator('strong', { hasText: 'mapped' }).waitFor({ timeout: 15_000 }).catch(() => {})
      assert.equal(await pane.locator('h2', { hasText: 'What we did' }).count(), 1, `the live preview should render the Markdown heading; pane holds: ${await pane.innerHTML()}`)
      await page.getByLabel('Tags (optional)').fill('street-lighting, open-data')
      await page.getByLabel('Project', { exact: true }).selectOption({ label: projectName })
      await page.getByLabel('Publish now').check()
      await submitAndLand(page, () => page.getByRole('button', { name: 'Preview' }).click(), /^\/posts\/new$/, 'previewing')
      await checkPage(page)
      await assertPreview(page, postTitle, body)
      assert.equal(await page.getByLabel('Project', { exact: true }).inputValue(), projectSlug, 'the project choice is kept after preview')
      assert.equal(await page.getByLabel('Publish now').isChecked(), true, '"Publish now" is kept after preview')
      assert.equal(await page.getByLabel('Tags (optional)').inputValue(), 'street-lighting, open-data')
    })

    await step('preview works without JavaScript', async () => {
      const noJs = await e2e.newContext({ javaScriptEnabled: false })
      const p = await noJs.newPage()
      await signInThroughForm(p, person.email, person.password)
      await visit(p, '/posts/new')
      await p.getByLabel('Title', { exact: true }).fill(postTitle)
      await p.getByLabel('Post', { exact: true }).fill(body)
      await submitAndLand(p, () => p.getByRole('button', { name: 'Preview' }).click(), /^\/posts\/new$/, 'previewing without JavaScript')
      await checkPage(p)
      await assertPreview(p, postTitle, body)
      await noJs.close()
    })

    const postSlug = await step('publish the weeknote', async () => {
      await submitAndLand(page, () => page.getByRole('button', { name: 'Save', exact: true }).click(), /^\/posts\/[a-z0-9-]+$/, 'publishing')
      assert.equal(await checkPage(page), postTitle)
      assert.equal(await page.locator('main strong', { hasText: 'mapped' }).count(), 1, 'the published post renders its Markdown')
      assert.ok((await page.locator(`main a[href="/projects/${projectSlug}"]`).count()) > 0, 'the post links to its project')
      assert.equal(await page.getByText(/only you can see this/i).count(), 0, 'a published post is not marked as a draft')
      return new URL(page.url()).pathname.split('/').pop()!
    })

    await step('the project page shows the weeknote in its timeline', async () => {
      const reader = await (await e2e.newContext()).newPage()
      await visit(reader, `/projects/${projectSlug}`)
      assert.ok((await reader.locator(`main a[href="/posts/${postSlug}"]`).count()) > 0, `the project page should list /posts/${postSlug} for an anonymous reader`)
    })

    await step('an anonymous reader finds it through search', async () => {
      const reader = await (await e2e.newContext()).newPage()
      await visit(reader, '/')
      await visit(reader, `/search?q=${word}`)
      const hit = reader.locator(`main a[href="/posts/${postSlug}"]`)
      assert.ok((await hit.count()) > 0, `search for "${word}" should link to /posts/${postSlug}; results: ${await reader.locator('main').innerText()}`)
      await Promise.all([reader.waitForEvent('load'), hit.first().click()])
      assert.equal(await checkPage(reader), postTitle)
    })

    await step("the project's Atom feed has the entry with an absolute link", async () => {
      const res = await context.request.get(`/projects/${projectSlug}/feed.atom`)
      assert.equal(res.status(), 200, `/projects/${projectSlug}/feed.atom`)
      assert.match(res.headers()['content-type'] ?? '', /atom\+xml/)
      const xml = await res.text()
      const entries = [...xml.matchAll(/<entry>([\s\S]*?)<\/entry>/g)].map((m) => m[1]!)
      const entry = entries.find((e) => e.includes(word))
      assert.ok(entry, `the feed should have an entry for "${postTitle}":\n${xml.slice(0, 2000)}`)
      const href = /<link[^>]*href="([^"]+)"/.exec(entry)?.[1]
      assert.equal(href, `${e2e.baseUrl}/posts/${postSlug}`, 'the entry links to the post with an absolute URL')
      assert.match(entry, /<id>http:\/\/127\.0\.0\.1:\d+\/posts\//, 'the entry id is the absolute post URL')
      assert.match(entry, /<updated>\d{4}-\d{2}-\d{2}T/, 'the entry has an updated time')
    })

    assertNoFailures(e2e)
  })
})

/** The preview pane shows the rendered Markdown, and the form still holds what was typed. */
async function assertPreview(page: Page, title: string, body: string): Promise<void> {
  const pane = page.locator('#preview-pane')
  assert.equal(await pane.locator('h2', { hasText: 'What we did' }).count(), 1, `the preview renders "## What we did" as a heading; pane: ${await pane.innerHTML()}`)
  assert.equal(await pane.locator('strong', { hasText: 'mapped' }).count(), 1, 'the preview renders **mapped** in bold')
  assert.equal(await pane.locator('li').count(), 2, 'the preview renders the list')
  assert.equal(await page.getByLabel('Title', { exact: true }).inputValue(), title, 'the title is kept after preview')
  assert.equal((await page.getByLabel('Post', { exact: true }).inputValue()).replace(/\r\n/g, '\n'), body, 'the Markdown is kept after preview')
}
