import type { Generated } from 'kysely'
import type { Executor } from '../../core/db/database.ts'

/** People an admin made digest editors. */
export interface DigestEditorsTable {
  user_id: string
  granted_by: string
  granted_at: string
}

/** People who asked for digests by e-mail (on /digests). */
export interface DigestSubscribersTable {
  user_id: string
  subscribed_at: string
}

/** A digest: an editor's introduction and picks, a draft until published (then a page, a feed entry and e-mails). */
export interface DigestsTable {
  id: string
  slug: string
  title: string
  /** Markdown source, and its rendering. */
  intro: string
  intro_html: string
  editor_id: string
  space_id: string | null
  published_at: string | null
  created_at: string
  updated_at: string
}

export type DigestItemKind = 'reading' | 'post'

export interface DigestItemsTable {
  digest_id: string
  position: number
  kind: DigestItemKind
  ref_id: string
}

/**
 * pending → sending (claimed, committed, before the mail goes to the SMTP server) → sent / bounced / suppressed;
 * skipped for accounts that cannot be mailed. A row left 'sending' by a crash is sent again with the same Message-ID.
 */
export type DeliveryState = 'pending' | 'sending' | 'sent' | 'bounced' | 'suppressed' | 'skipped'

/** One recipient of one digest: written when it is published, marked as each mail goes. */
export interface DigestDeliveriesTable {
  digest_id: string
  user_id: string
  state: DeliveryState
  sent_at: string | null
  /** Times the mail was handed to the SMTP server (a claim each): more than 1 only after an interrupted send. */
  attempts: Generated<number>
  claimed_at: string | null
}

export interface DigestsTables {
  digest_editors: DigestEditorsTable
  digest_subscribers: DigestSubscribersTable
  digests: DigestsTable
  digest_items: DigestItemsTable
  digest_deliveries: DigestDeliveriesTable
}

/** The executor the digests module works through: its own tables only. */
export type DigestsDb = Executor<DigestsTables>
