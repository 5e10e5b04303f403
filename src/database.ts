import type { Kysely } from 'kysely'
import type { DatabaseHandle } from './core/db/database.ts'
import type { CoreTables } from './core/core.tables.ts'
import type { AccountsTables } from './modules/accounts/accounts.tables.ts'
import type { OrganisationsTables } from './modules/organisations/organisations.tables.ts'
import type { ProjectsTables } from './modules/projects/projects.tables.ts'
import type { PostsTables } from './modules/posts/posts.tables.ts'
import type { NotificationsTables } from './modules/notifications/notifications.tables.ts'
import type { CommunitiesTables } from './modules/communities/communities.tables.ts'
import type { ChartersTables } from './modules/charters/charters.tables.ts'
import type { ModerationTables } from './modules/moderation/moderation.tables.ts'
import type { ActionsTables } from './modules/actions/actions.tables.ts'
import type { ReadingTables } from './modules/reading/reading.tables.ts'
import type { SyndicationTables } from './modules/syndication/syndication.tables.ts'
import type { DigestsTables } from './modules/digests/digests.tables.ts'
import type { EventsTables } from './modules/events/events.tables.ts'
import type { FollowsTables } from './modules/follows/follows.tables.ts'
import type { BarriersTables } from './modules/barriers/barriers.tables.ts'
import type { ChallengesTables } from './modules/challenges/challenges.tables.ts'
import type { DirectoryNudgesTables } from './modules/directory/nudges.tables.ts'

/**
 * Every table Openly has, composed here at the composition root (beside modules.ts): the core's,
 * then each module's own. Nothing in core/ or modules/ sees this type; each works through an
 * executor narrowed to its own tables.
 */
export interface Database extends CoreTables, AccountsTables, OrganisationsTables, ProjectsTables, PostsTables, NotificationsTables, CommunitiesTables, ChartersTables, EventsTables, FollowsTables, ActionsTables, ReadingTables, SyndicationTables, DigestsTables, BarriersTables, ChallengesTables, DirectoryNudgesTables, ModerationTables {}

/** The whole database, typed: for tests, benchmarks and tools that look across modules. */
export function wholeDatabase(handle: DatabaseHandle): Kysely<Database> {
  return handle.db as unknown as Kysely<Database>
}
