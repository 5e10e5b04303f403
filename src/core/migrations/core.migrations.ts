import type { OpenlyMigration } from '../db/migrations.ts'
import { migration as createUsers } from './20261123T100000_core_create_users.ts'
import { migration as createSpaces } from './20261123T100100_core_create_spaces.ts'
import { migration as createSearch } from './20261123T100200_core_create_search.ts'
import { migration as usersSuspended } from './20261130T090000_core_users_suspended.ts'
import { migration as spaceAdminAccess } from './20261130T090200_core_create_space_admin_access.ts'
import { migration as formSubmissions } from './20261130T090400_core_create_form_submissions.ts'
import { migration as auditSubjectTitles } from './20261130T120000_core_audit_subject_titles.ts'
import { migration as createHeldContent } from './20261130T120100_core_create_held_content.ts'
import { migration as usersModeration } from './20261130T120200_core_users_moderation.ts'
import { migration as searchScheduleIndex } from './20261130T130000_core_search_schedule_index.ts'
import { migration as createFeedKeys } from './20261130T170000_core_create_feed_keys.ts'
import { migration as usersTimeZone } from './20261130T170100_core_users_time_zone.ts'
import { migration as searchFoldAccents } from './20261130T170300_core_search_fold_accents.ts'
import { migration as scheduledChanges } from './20261130T190000_core_create_scheduled_changes.ts'
import { migration as createJobs } from './20261130T200000_core_create_jobs.ts'
import { migration as createMailBounces } from './20261130T200100_core_create_mail_bounces.ts'
import { migration as createHealthChecks } from './20261130T210000_core_create_health_checks.ts'
import { migration as searchVisibleIndex } from './20261130T290000_core_search_visible_index.ts'
import { migration as searchRecent } from './20261130T360000_core_search_recent.ts'
import { migration as searchTimeBuckets } from './20261130T420000_core_search_time_buckets.ts'
import { migration as searchLexemes } from './20261130T440000_core_search_lexemes.ts'
import { migration as searchMonthWords } from './20261201T400000_core_search_month_words.ts'

/** The core's own tables: people and sessions, spaces and membership, the audit log, held content, the search index. */
export const coreMigrations: Record<string, OpenlyMigration> = {
  '20261123T100000_core_create_users': createUsers,
  '20261123T100100_core_create_spaces': createSpaces,
  '20261123T100200_core_create_search': createSearch,
  '20261130T090000_core_users_suspended': usersSuspended,
  '20261130T090200_core_create_space_admin_access': spaceAdminAccess,
  '20261130T090400_core_create_form_submissions': formSubmissions,
  '20261130T120000_core_audit_subject_titles': auditSubjectTitles,
  '20261130T120100_core_create_held_content': createHeldContent,
  '20261130T120200_core_users_moderation': usersModeration,
  '20261130T130000_core_search_schedule_index': searchScheduleIndex,
  '20261130T170000_core_create_feed_keys': createFeedKeys,
  '20261130T170100_core_users_time_zone': usersTimeZone,
  '20261130T170300_core_search_fold_accents': searchFoldAccents,
  '20261130T190000_core_create_scheduled_changes': scheduledChanges,
  '20261130T200000_core_create_jobs': createJobs,
  '20261130T200100_core_create_mail_bounces': createMailBounces,
  '20261130T210000_core_create_health_checks': createHealthChecks,
  '20261130T290000_core_search_visible_index': searchVisibleIndex,
  '20261130T360000_core_search_recent': searchRecent,
  '20261130T420000_core_search_time_buckets': searchTimeBuckets,
  '20261130T440000_core_search_lexemes': searchLexemes,
  '20261201T400000_core_search_month_words': searchMonthWords,
}
