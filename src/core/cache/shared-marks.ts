import { randomBytes } from 'node:crypto'

/**
 * Where a page shared between signed-in readers (shared.ts) has each reader's own header and CSRF token put in.
 * Random per process, so no content can contain them by chance or by design.
 */
const nonce = randomBytes(12).toString('hex')
export const SHARED_MARKS = Object.freeze({ header: `<!--openly-personal-${nonce}-->`, token: `openly-token-${nonce}`, submission: `openly-submission-${nonce}` })
