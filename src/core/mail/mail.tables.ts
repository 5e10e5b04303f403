/** An address whose mail server refused our mail for good (an SMTP 5xx): list mail is not sent to it any more. */
export interface MailBouncesTable {
  /** Lower-cased. */
  email: string
  /** The server's reply code (5xx) and text. */
  code: number
  message: string
  bounced_at: string
}

export interface MailTables {
  mail_bounces: MailBouncesTable
}
