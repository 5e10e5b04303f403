/**
 * Journey "a private community", in a real browser with three people each in their own browser context:
 * a host creates a private, invite-only community and invites a member by handle; the member accepts from
 * their notifications; the host starts a discussion; the member replies with an @mention of the host
 * (who is notified) and uploads a small PDF to the library; a stranger's search finds nothing of it and
 * every address in it answers the 404 page — to the stranger and to an anonymous reader.
 * Every page on the way is checked for one h1 and a useful title, and each kind of page with axe (WCAG 2.2 AA).
 */
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createUser, type TestUser } from '../support/factories.ts'
import { assertNoFailures, step, submitAndLand, checkPage, signInThroughForm, startE2E, uniqueWord, visit, type E2E } from './support.ts'

/** A tiny but valid one-page PDF (header, catalogue, pages, page, cross-reference table, trailer). */
function tinyPdf(): Buffer {
  const objects = ['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [3 0 R] /Count 1 >>', '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>']
  let out = '%PDF-1.4\n'
  const offsets: number[] = []
  objects.forEach((o, i) => {
    offsets.push(Buffer.byteLength(out))
    out += `${i + 1} 0 obj\n${o}\nendobj\n`
  })
  const xref = Buffer.byteLength(out)
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`
  return Buffer.from(out, 'latin1')
}

describe('a private community: invite, discuss, mention, share a file — and nothing leaks', () => {
  let e2e: E2E
  let host: TestUser
  let member: TestUser
  let stranger: TestUser
  let tmp: string
  before(async () => {
    e2e = await startE2E()
    host = await createUser(e2e.database.db, { name: 'Ifeoma Okafor', handle: 'ifeoma-okafor' })
    member = await createUser(e2e.database.db, { name: 'Gethin Morgan', handle: 'gethin-morgan' })
    stranger = await createUser(e2e.database.db, { name: 'Ilse Vermeulen', handle: 'ilse-vermeulen' })
    tmp = mkdtempSync(join(tmpdir(), 'openly-e2e-files-'))
  })
  after(async () => {
    await e2e?.close()
    if (tmp) rmSync(tmp, { recursive: true, force: true })
  })

  it('keeps everything inside the community', async () => {
    const word = uniqueWord('quillwort')
    const communityName = `Procurement pathfinders ${word.slice(-4)}`
    const threadTitle = `Sharing ${word} contract templates`
    const pdfPath = join(tmp, 'framework-checklist.pdf')
    writeFileSync(pdfPath, tinyPdf())

    const hostPage = await (await e2e.newContext()).newPage()
    const memberContext = await e2e.newContext()
    const memberPage = await memberContext.newPage()
    const strangerContext = await e2e.newContext()
    const strangerPage = await strangerContext.newPage()

    const slug = await step('the host creates a private, invite-only community', async () => {
      await signInThroughForm(hostPage, host.email, host.password)
      await visit(hostPage, '/communities/new')
      await hostPage.getByLabel('Name', { exact: true }).fill(communityName)
      await hostPage.getByLabel('Description', { exact: true }).fill('A closed group of buyers swapping what worked in **open procurement**.')
      await hostPage.getByLabel('Themes (optional)').fill('procurement')
      await hostPage.getByRole('group', { name: 'How people join' }).getByLabel('Invite only').check()
      await hostPage.getByRole('group', { name: 'Who can see it' }).getByLabel('Private to its members').check()
      await submitAndLand(hostPage, () => hostPage.getByRole('button', { name: 'Create community' }).click(), /^\/communities\/[a-z0-9-]+$/, 'creating the community')
      assert.equal(await checkPage(hostPage), communityName)
      return new URL(hostPage.url()).pathname.split('/').pop()!
    })
    const base = `/communities/${slug}`

    await step('the host invites the member by handle', async () => {
      await visit(hostPage, `${base}/members`)
      await hostPage.getByLabel('Handle or email address').fill(`@${member.handle}`)
      await submitAndLand(hostPage, () => hostPage.getByRole('button', { name: 'Send invitation' }).click(), new RegExp(`^${base}/members$`), 'inviting')
      await checkPage(hostPage)
      assert.ok((await hostPage.locator(`main a[href="/people/${member.handle}"]`).count()) > 0, 'the members page lists the invited person')
    })

    await step('the member accepts the invitation from their notifications', async () => {
      await signInThroughForm(memberPage, member.email, member.password)
      await visit(memberPage, '/notifications')
      const link = memberPage.locator(`main a[href^="${base}"]`)
      assert.ok((await link.count()) > 0, `the member's notifications should link to ${base}; they read: ${await memberPage.locator('main').innerText()}`)
      await Promise.all([memberPage.waitForEvent('load'), link.first().click()])
      await checkPage(memberPage)
      await submitAndLand(memberPage, () => memberPage.getByRole('button', { name: 'Accept invitation' }).click(), new RegExp(`^${base}$`), 'accepting the invitation')
      assert.equal(await checkPage(memberPage), communityName)
      assert.match(await memberPage.locator('main').innerText(), /You are a member of this community/)
    })

    const threadPath = await step('the host starts a discussion', async () => {
      await visit(hostPage, base)
      await Promise.all([hostPage.waitForEvent('load'), hostPage.getByRole('button', { name: 'Start a discussion' }).click()])
      await checkPage(hostPage)
      await hostPage.getByLabel('Title', { exact: true }).fill(threadTitle)
      await hostPage.getByLabel('Message', { exact: true }).fill(`Which clauses did you change in the ${word} templates? Our legal team wants _examples_.`)
      await submitAndLand(hostPage, () => hostPage.getByRole('button', { name: 'Post' }).click(), new RegExp(`^${base}/threads/[^/]+$`), 'starting the discussion')
      assert.equal(await checkPage(hostPage), threadTitle)
      return new URL(hostPage.url()).pathname
    })

    await step('the member replies with an @mention, and the host is told', async () => {
      await visit(memberPage, threadPath)
      await memberPage.getByLabel('Your reply').fill(`@${host.handle} we rewrote clause 7 of the ${word} template; I will upload our checklist.`)
      await submitAndLand(memberPage, () => memberPage.getByRole('button', { name: 'Post reply' }).click(), new RegExp(`^${threadPath}$`), 'replying')
      await checkPage(memberPage)
      const mention = memberPage.locator(`main a[href="/people/${host.handle}"]`).filter({ hasText: `@${host.handle}` })
      assert.ok((await mention.count()) > 0, `the reply should link the mention @${host.handle} to /people/${host.handle}`)

      await visit(hostPage, '/notifications')
      const told = hostPage.locator(`main a[href^="${threadPath}"]`)
      assert.ok((await told.count()) > 0, `the host's notifications should link to the thread; they read: ${await hostPage.locator('main').innerText()}`)
    })

    const downloadPath = await step('the member uploads a PDF to the library', async () => {
      await visit(memberPage, `${base}/library`)
      await Promise.all([memberPage.waitForEvent('load'), memberPage.getByRole('button', { name: 'Upload a file' }).click()])
      await checkPage(memberPage)
      await memberPage.getByLabel('Title', { exact: true }).fill(`Framework checklist ${word}`)
      await memberPage.getByLabel('Description (optional)').fill('What we check before calling off a framework.')
      await memberPage.getByLabel('File', { exact: true }).setInputFiles(pdfPath)
      await submitAndLand(memberPage, () => memberPage.getByRole('button', { name: 'Upload file' }).click(), new RegExp(`^${base}/library$`), 'uploading the PDF')
      await checkPage(memberPage)
      const link = memberPage.locator('main a', { hasText: `Framework checklist ${word}` })
      assert.equal(await link.count(), 1, 'the library lists the uploaded file')
      const href = (await link.getAttribute('href'))!
      const res = await memberContext.request.get(href)
      assert.equal(res.status(), 200, `a member downloads ${href}`)
      assert.match(res.headers()['content-type'] ?? '', /^application\/pdf/)
      assert.match(res.headers()['content-disposition'] ?? '', /^attachment/)
      assert.equal((await res.body()).subarray(0, 8).toString('latin1'), '%PDF-1.4')
      return href
    })

    await step("a member's search finds the discussion (so the stranger's empty result means something)", async () => {
      await visit(memberPage, `/search?q=${word}`)
      assert.ok((await memberPage.locator(`main a[href^="${threadPath}"]`).count()) > 0, `the member's search for "${word}" should find ${threadPath}; results: ${await memberPage.locator('main').innerText()}`)
    })

    await step("a stranger's search finds nothing from the community", async () => {
      await signInThroughForm(strangerPage, stranger.email, stranger.password)
      for (const q of [word, communityName, 'clause 7']) {
        await visit(strangerPage, `/search?q=${encodeURIComponent(q)}`)
        const leaked = await strangerPage.locator(`main a[href^="${base}"]`).count()
        assert.equal(leaked, 0, `the stranger's search for "${q}" links into the private community`)
        const cards = await strangerPage.locator('main .openly-card').allInnerTexts()
        assert.ok(!cards.some((c) => c.includes(word) || c.includes(communityName)), `the stranger's search for "${q}" shows a result from the community: ${JSON.stringify(cards)}`)
        if (q === word) assert.equal(cards.length, 0, `the stranger's search for the thread's unique word finds something: ${JSON.stringify(cards)}`)
      }
      await visit(strangerPage, '/communities')
      assert.equal(await strangerPage.locator(`main a[href="${base}"]`).count(), 0, 'the communities list does not show the private community to a stranger')
    })

    await step('the stranger gets the 404 page everywhere in the community', async () => {
      for (const path of [base, threadPath, `${base}/library`, `${base}/members`, `${base}/threads`]) {
        assert.equal(await visit(strangerPage, path, 404), 'Page not found', `${path} for a stranger`)
        assert.ok(!(await strangerPage.content()).includes(communityName), `the 404 page for ${path} names the community`)
      }
      const download = await strangerContext.request.get(downloadPath)
      assert.equal(download.status(), 404, 'the stranger cannot download the file')
      const feed = await strangerContext.request.get(`${base}/feed.atom`)
      assert.equal(feed.status(), 404, "the community's feed is 404 for a stranger")
    })

    await step('an anonymous reader gets the 404 page too', async () => {
      const anonymous = await (await e2e.newContext()).newPage()
      for (const path of [base, threadPath]) assert.equal(await visit(anonymous, path, 404), 'Page not found', `${path} for an anonymous reader`)
    })

    assertNoFailures(e2e)
  })
})
