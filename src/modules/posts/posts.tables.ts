/** Tables owned by the posts module. */
export interface PostsTables {}
