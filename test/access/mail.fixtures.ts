/**
 * The leak matrix's mail pages: one-click unsubscribe links. The signed token is the credential, so whoever holds
 * a real link may open its page (which names the list, never the person); a forged one is a 404 for everyone.
 */
import type { TestApp } from '../support/app.ts'
import { unsubscribeToken } from '../../src/core/mail/unsubscribe.ts'
import type { Fixture } from './oracle.ts'

export function buildUnsubscribeLinks({ t, add, userId }: { t: TestApp; add: (f: Fixture) => Fixture; userId: string }): void {
  for (const list of t.app.modules.flatMap((m) => m.mailLists ?? [])) {
    const token = unsubscribeToken(t.config.sessionSecret, userId, list.id)
    // The page shows the list's label: that is what an allowed reader sees.
    add({ kind: 'unsubscribe', label: `unsubscribe link of ${list.id}`, marker: list.label, words: [], ids: [], params: { token }, facts: {} })
  }
  const forged = unsubscribeToken('not the secret', userId, 'any.list')
  add({ kind: 'unsubscribe', label: 'forged unsubscribe link', marker: 'zqunforgedx', words: [], ids: [], params: { token: forged }, facts: { forged: true } })
}
