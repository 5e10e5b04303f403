import type { LightMyRequestResponse } from 'fastify'
import { newId } from '../../src/core/db/ids.ts'
import { TestClient, csrfTokenIn } from './client.ts'

/**
 * Sends a form as a browser does when it carries a file: loads `pageUrl`, takes its CSRF token (and its
 * one-time submission token, if any), and posts multipart/form-data to `action` (default: the page's path).
 */
export async function submitMultipart(client: TestClient, pageUrl: string, fields: Record<string, string>, file: { field: string; name: string; type: string; data: Buffer } | null, action?: string): Promise<LightMyRequestResponse> {
  const page = await client.get(pageUrl)
  const token = csrfTokenIn(page.body) ?? ''
  const submission = /name="_submission" value="([^"]+)"/.exec(page.body)?.[1]
  const boundary = `----openlytest${newId()}`
  const part = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`
  const all = { _csrf: token, ...(submission ? { _submission: submission } : {}), ...fields }
  const chunks: Buffer[] = [Buffer.from(Object.entries(all).map(([k, v]) => part(k, v)).join(''))]
  if (file) chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.field}"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`), file.data, Buffer.from('\r\n'))
  chunks.push(Buffer.from(`--${boundary}--\r\n`))
  return client.app.inject({
    method: 'POST',
    url: action ?? pageUrl.split('?')[0]!,
    remoteAddress: client.ip,
    payload: Buffer.concat(chunks),
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, cookie: client.cookieHeader() },
  })
}
