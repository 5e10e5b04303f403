/** Tables owned by the notifications module. */
export interface NotificationsTables {}
