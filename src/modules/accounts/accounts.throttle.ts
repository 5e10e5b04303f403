/**
 * How failed sign-ins slow attackers without locking the owner out, and without telling anyone
 * which addresses have accounts (unknown addresses are counted exactly like known ones):
 *
 * - per account and network address pair: after PER_PAIR failures in the window, that address must
 *   wait before trying that account again. The owner signing in from elsewhere is not affected.
 * - per account, from anywhere: after PER_ACCOUNT failures (an attack spread over many addresses),
 *   attempts must wait — except from a browser that has signed in to this account before (it holds
 *   a signed "known device" cookie), so the owner keeps getting in.
 * - per network address, for any account: PER_ADDRESS failures, high enough for a council office
 *   where everyone shares one address and some people mistype.
 *
 * The wait grows with the failures (a slowing delay, not a hard wall) and never exceeds the window.
 */
export const WINDOW_MS = 15 * 60_000
export const PER_PAIR = 10
export const PER_ACCOUNT = 100
export const PER_ADDRESS = 300

export interface FailureCounts {
  pair: number
  account: number
  address: number
}

/** Seconds to wait before another attempt, or 0 to go ahead. */
export function waitSeconds(counts: FailureCounts, knownDevice: boolean): number {
  const over = (n: number, limit: number) => (n >= limit ? n - limit + 1 : 0)
  const excess = Math.max(over(counts.pair, PER_PAIR), knownDevice ? 0 : over(counts.account, PER_ACCOUNT), over(counts.address, PER_ADDRESS))
  if (excess === 0) return 0
  // 30 s, then doubling with every further failure, up to the whole window.
  return Math.min(WINDOW_MS / 1000, 30 * 2 ** Math.min(excess - 1, 10))
}
