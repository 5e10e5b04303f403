/**
 * Waits until `check` returns a value that is not false/null/undefined (or stops throwing), polling every
 * `everyMs`; rejects with the last answer after `timeoutMs`. For work done in the background (jobs, mail).
 */
export async function eventually<T>(check: () => Promise<T | false | null | undefined> | T | false | null | undefined, options: { timeoutMs?: number; everyMs?: number; what?: string } = {}): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 10_000)
  let last: unknown
  for (;;) {
    try {
      const value = await check()
      if (value !== false && value !== null && value !== undefined) return value
      last = value
    } catch (err) {
      last = err
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting${options.what ? ` for ${options.what}` : ''}; last answer: ${last instanceof Error ? last.message : JSON.stringify(last)}`)
    await new Promise((r) => setTimeout(r, options.everyMs ?? 50))
  }
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))
