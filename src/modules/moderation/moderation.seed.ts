import type { SeedContext } from '../../core/module.ts'
import { peopleByHandles } from '../accounts/accounts.ts'
import { moderationRegistry } from './moderation.ts'
import { fileReport } from './moderation.reports.ts'

/**
 * Demo moderation, so the queue is not empty on first start: the newcomer's first post with a link
 * already waits for approval (the posts seed wrote it through trust levels); here a member reports the
 * newcomer's profile, through the same use case as the report form.
 */
export async function seedModeration({ db, modules }: SeedContext): Promise<void> {
  const people = await peopleByHandles(db, ['jordan-reyes', 'lena-vogel'])
  const newcomer = people.get('jordan-reyes')
  const reporter = people.get('lena-vogel')
  if (!newcomer || !reporter) return
  await fileReport(db, moderationRegistry(modules), { userId: reporter.id, isAdmin: false }, {
    type: 'person',
    id: newcomer.id,
    reason: 'This account joined today and has sent three of us the same offer of a paid notification tool. Could a moderator check it is not spam?',
  })
}
