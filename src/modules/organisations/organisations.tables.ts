/** Tables owned by the organisations module. */
export interface OrganisationsTables {}
