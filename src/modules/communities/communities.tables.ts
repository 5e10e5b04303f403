/** Tables owned by the communities module. */
export interface CommunitiesTables {}
