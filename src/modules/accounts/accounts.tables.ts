/** Tables owned by the accounts module. */
export interface AccountsTables {}
