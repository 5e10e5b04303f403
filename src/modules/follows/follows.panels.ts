import type { PanelProvider } from '../../core/module.ts'
import { signedIn } from '../../core/access/policy.ts'
import { readerIs } from '../../core/access/reader-facts.ts'
import { follows } from './follows.ts'

/**
 * The Follow button on a subject's page. Signed out: a link to sign in (the same for everyone, so the page can be
 * cached for anonymous readers); signed in: follow or unfollow, back to the same page.
 */
export function followPanel(kind: string, label: string): PanelProvider {
  return async (request, subject) => {
    const actor = request.actor
    // One's own profile has nothing to follow.
    if (kind === 'person' && readerIs(actor, subject.id)) return ''
    const here = request.url.split('?')[0]!
    const following = signedIn(actor) ? await follows(request.server.db, actor, { kind, id: subject.id }) : false
    return request.server.views.render('follows/_button.njk', { kind, id: subject.id, label, signedIn: signedIn(actor), following, next: here, csrfToken: signedIn(actor) && request.formToken ? request.formToken() : null })
  }
}
