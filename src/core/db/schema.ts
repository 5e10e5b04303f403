import type { AuthTables } from '../auth/auth.tables.ts'
import type { AccessTables } from '../access/access.tables.ts'
import type { SearchTables } from '../search/search.tables.ts'
import type { AccountsTables } from '../../modules/accounts/accounts.tables.ts'
import type { OrganisationsTables } from '../../modules/organisations/organisations.tables.ts'
import type { ProjectsTables } from '../../modules/projects/projects.tables.ts'
import type { PostsTables } from '../../modules/posts/posts.tables.ts'
import type { NotificationsTables } from '../../modules/notifications/notifications.tables.ts'
import type { CommunitiesTables } from '../../modules/communities/communities.tables.ts'
import type { ModerationTables } from '../../modules/moderation/moderation.tables.ts'
import type { HomeTables } from '../../modules/home/home.tables.ts'

/** Every table Openly has: the core's, then each module's (from its *.tables.ts). */
export interface Database extends AuthTables, AccessTables, SearchTables, AccountsTables, OrganisationsTables, ProjectsTables, PostsTables, NotificationsTables, CommunitiesTables, ModerationTables, HomeTables {}
