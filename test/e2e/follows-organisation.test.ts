/**
 * Journey "follow an organisation, hear of its challenge", in a real browser: a reader follows an organisation from
 * its page, chooses to hear of new challenges on the site, by keyboard; the organisation's admin puts a challenge;
 * the reader finds it among their notifications and in their timeline, and opens it. Every page on the way is
 * checked with axe (WCAG 2.2 AA), at 1280 and 320 px wide.
 */
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { createUser, signInAs, type TestUser } from '../support/factories.ts'
import { TestClient, errorsIn, location } from '../support/client.ts'
import { eventually } from '../support/wait.ts'
import { challengeFields } from '../support/challenges.ts'
import { wholeDatabase } from '../../src/database.ts'
import { assertNoFailures, checkPage, signInThroughForm, startE2E, step, submitAndLand, uniqueWord, visit, type E2E } from './support.ts'

describe('follow an organisation and hear of the challenge it puts', () => {
  let e2e: E2E
  let setter: TestUser
  let reader: TestUser
  before(async () => {
    e2e = await startE2E()
    setter = await createUser(e2e.database.db, { name: 'Ama Mensah', handle: 'ama-mensah' })
    reader = await createUser(e2e.database.db, { name: 'Lotte Jansen', handle: 'lotte-jansen' })
  })
  after(async () => e2e?.close())

  it('follows, is told, opens the challenge', async () => {
    const word = uniqueWord('harbour')
    const setterClient = new TestClient(e2e.app)
    await signInAs(e2e.database.db, setterClient, setter.id)
    const made = await setterClient.submit('/organisations/new', { name: `Harbour Authority ${word}`, type: 'local government', country: 'Netherlands', region: '', website: '', description: 'Runs the harbour.', themes: '' })
    assert.equal(made.statusCode, 303, `create organisation: ${errorsIn(made)}`)
    const orgPath = location(made).split('?')[0]!
    const org = await wholeDatabase(e2e.database).selectFrom('organisations').select('id').where('slug', '=', orgPath.split('/').pop()!).executeTakeFirstOrThrow()
    const page = await (await e2e.newContext()).newPage()

    await step('the reader follows the organisation with the button on its page', async () => {
      await signInThroughForm(page, reader.email, reader.password)
      await visit(page, orgPath)
      await submitAndLand(page, () => page.getByRole('button', { name: 'Follow this organisation' }).click(), new RegExp(`^${orgPath}$`), 'following')
      await checkPage(page)
      assert.match(await page.locator('main').innerText(), /You follow this organisation/)
    })

    await step('on /following the reader chooses to hear of new challenges on the site, by keyboard', async () => {
      await visit(page, '/following')
      assert.equal(await page.getByRole('link', { name: `Harbour Authority ${word}` }).count(), 1)
      const choice = page.getByRole('group', { name: 'New challenges' }).getByLabel('On the site only')
      await choice.focus()
      await page.keyboard.press('Space')
      assert.ok(await choice.isChecked())
      await submitAndLand(page, () => page.getByRole('button', { name: 'Save choices' }).press('Enter'), /^\/following$/, 'saving the choices')
      await checkPage(page)
    })

    await step('the organisation’s admin puts a challenge; the reader is notified', async () => {
      const stated = await setterClient.submit('/challenges/new', challengeFields(`organisation:${org.id}`, 'ideas', { title: `Quieter quays ${word}` }))
      assert.equal(stated.statusCode, 303, `state a challenge: ${errorsIn(stated)}`)
      await eventually(async () => {
        await visit(page, '/notifications')
        return (await page.getByRole('link', { name: new RegExp(`Quieter quays ${word}`) }).count()) === 1
      }, { timeoutMs: 40_000, everyMs: 500, what: 'the notice of the new challenge' })
      await checkPage(page)
    })

    await step('the timeline lists the challenge, at 320 px too, and it opens', async () => {
      await visit(page, '/timeline')
      assert.equal(await page.getByRole('link', { name: `Quieter quays ${word}` }).count(), 1)
      await checkPage(page)
      await page.setViewportSize({ width: 320, height: 800 })
      await visit(page, '/timeline')
      assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= 320), 'no sideways scrolling at 320 px')
      await page.setViewportSize({ width: 1280, height: 800 })
      await submitAndLand(page, () => page.getByRole('link', { name: `Quieter quays ${word}` }).click(), /^\/challenges\//, 'opening the challenge')
      assert.match(await checkPage(page), new RegExp(`Quieter quays ${word}`))
    })

    assertNoFailures(e2e)
  })
})
