/**
 * Journeys "small steps, good reads and blogs from elsewhere", in a real browser:
 * 1. A person logs a practical action from their profile with one field and one button (and at 320 px).
 * 2. They add a link to the reading list, fixing a missing summary first, and find it by its tag.
 * 3. They register their blog's feed (a real local server), have it read, pick one post to import, and read
 *    it on Openly credited to the blog.
 * Every page on the way is checked with axe (WCAG 2.2 AA), for one h1 and a useful title.
 */
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { createUser, type TestUser } from '../support/factories.ts'
import { FeedServer } from '../support/feed-server.ts'
import { assertNoFailures, checkPage, signInThroughForm, startE2E, step, submitAndLand, uniqueWord, visit, type E2E } from './support.ts'

describe('practical actions, the reading list and feeds in', () => {
  let e2e: E2E
  let feeds: FeedServer
  let person: TestUser
  before(async () => {
    feeds = await new FeedServer().start()
    e2e = await startE2E({ config: { syndicationAllowPrivate: true } })
    person = await createUser(e2e.database.db, { name: 'Amara Okafor', handle: 'amara-okafor' })
  })
  after(async () => {
    await e2e?.close()
    await feeds?.stop()
  })

  it('log an action, add a reading-list link, import a post from a blog', async () => {
    const page = await (await e2e.newContext()).newPage()
    await signInThroughForm(page, person.email, person.password)

    await step('log a practical action from the profile: one field, one button', async () => {
      const word = uniqueWord('action')
      await visit(page, '/people/amara-okafor')
      await checkPage(page)
      await page.getByLabel('What did you do today?').fill(`Published our service map ${word}`)
      await submitAndLand(page, () => page.getByRole('button', { name: 'Log it' }).click(), /^\/people\/amara-okafor$/, 'logging an action')
      await checkPage(page)
      assert.match(await page.locator('#practical-actions').innerText(), new RegExp(`Published our service map ${word}`))
      assert.match(await page.locator('#practical-actions').innerText(), /1 practical action this month, 1 this week/)
      await page.setViewportSize({ width: 320, height: 800 })
      await checkPage(page)
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 320), 'no sideways scrolling at 320 px')
      await page.setViewportSize({ width: 1280, height: 800 })
    })

    await step('add a link to the reading list, fixing a missing summary, and find it by its tag', async () => {
      const word = uniqueWord('guide')
      await visit(page, '/reading/new')
      await checkPage(page)
      await page.getByLabel('Link').fill(`https://example.org/${word}`)
      await page.getByLabel('Title').fill(`Service maps guide ${word}`)
      await page.getByLabel('Tags (optional)').fill('Service design')
      await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Add to the reading list' }).click()])
      assert.match(await page.locator('.govuk-error-summary').innerText(), /Enter summary/)
      await checkPage(page)
      assert.equal(await page.getByLabel('Title').inputValue(), `Service maps guide ${word}`, 'the text is kept')
      await page.getByLabel('Summary').fill('How a council drew every service it runs on one page, and what that changed.')
      await submitAndLand(page, () => page.getByRole('button', { name: 'Add to the reading list' }).click(), /^\/reading\/[a-z0-9-]+$/, 'adding the link')
      assert.equal(await checkPage(page), `Service maps guide ${word}`)
      await submitAndLand(page, () => page.getByRole('link', { name: 'service-design' }).click(), /^\/reading$/, 'following the tag')
      await checkPage(page)
      assert.match(await page.locator('main').innerText(), new RegExp(`Service maps guide ${word}`))
    })

    await step('register a blog feed, have it read, pick one post and read it credited to the blog', async () => {
      feeds.publish({ id: 'kept', title: 'What our first alpha taught us', html: '<p>Test early with the people who answer the phones.</p>', published: '2026-09-01T09:00:00.000Z' })
      feeds.publish({ id: 'left', title: 'Our team away day photos', published: '2026-09-08T09:00:00.000Z' })
      await visit(page, '/syndication')
      await checkPage(page)
      await page.getByLabel('Feed address').fill(`${feeds.base}/blog.atom`)
      await submitAndLand(page, () => page.getByRole('button', { name: 'Register feed' }).click(), /^\/syndication\/[^/]+$/, 'registering the feed')
      await checkPage(page)
      await submitAndLand(page, () => page.getByRole('button', { name: 'Check now' }).click(), /^\/syndication\/[^/]+$/, 'reading the feed')
      await checkPage(page)
      await page.getByLabel('What our first alpha taught us').check()
      await submitAndLand(page, () => page.getByRole('button', { name: 'Import chosen posts' }).click(), /^\/syndication\/[^/]+$/, 'importing')
      await checkPage(page)
      await visit(page, '/posts')
      await submitAndLand(page, () => page.getByRole('link', { name: 'What our first alpha taught us' }).first().click(), /^\/posts\/[a-z0-9-]+$/, 'opening the imported post')
      await checkPage(page)
      assert.match(await page.locator('main').innerText(), /Originally published by Ada Author at Ada’s team blog/)
      assert.equal(await page.locator('link[rel="canonical"]').getAttribute('href'), 'https://blog.example/kept')
      assert.equal(await page.getByRole('link', { name: 'Our team away day photos' }).count(), 0)
    })

    assertNoFailures(e2e)
  })
})
