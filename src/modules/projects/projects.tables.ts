/** Tables owned by the projects module. */
export interface ProjectsTables {}
