/** Tables owned by the moderation module. */
export interface ModerationTables {}
