import type { AuthTables } from '../auth/auth.tables.ts'
import type { AccessTables } from '../access/access.tables.ts'
import type { SearchTables } from '../search/search.tables.ts'

/** Every table Openly has: the core's, then each module's (from its *.tables.ts). */
export interface Database extends AuthTables, AccessTables, SearchTables {}
