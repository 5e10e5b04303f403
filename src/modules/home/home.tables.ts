/** Tables owned by the home module. */
export interface HomeTables {}
