/**
 * One rendering per key at a time (decision 0034). When 50 readers ask for a page that is not stored yet, the first
 * renders it and the others wait for it to be stored, then are served it as a hit, instead of all 50 rendering the
 * same page at once (CPU, and 50 bodies in memory).
 *
 * A waiter never waits for ever: if the first rendering is not stored (a personal page, an error, a key seen for
 * the first time) or takes longer than `maxWaitMs`, the waiter renders for itself, exactly as without coalescing.
 * So coalescing can only save work, never change what anyone is served.
 */
export class SingleFlight {
  #flights = new Map<string, { owner: object; landed: Promise<void>; land: () => void }>()
  #maxWaitMs: number

  constructor(maxWaitMs = 2000) {
    this.#maxWaitMs = maxWaitMs
  }

  /**
   * Starts a flight for `key` owned by `owner` and returns null, or, when one is already under way, a promise that
   * settles when it lands (or after the longest wait). The owner must call land(key, owner) once it stored (or gave
   * up on) the page.
   */
  board(key: string, owner: object): Promise<void> | null {
    const flight = this.#flights.get(key)
    if (flight) {
      let timer: NodeJS.Timeout | undefined
      const waited = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, this.#maxWaitMs)
        timer.unref()
      })
      return Promise.race([flight.landed, waited]).finally(() => clearTimeout(timer))
    }
    let land!: () => void
    const landed = new Promise<void>((resolve) => (land = resolve))
    this.#flights.set(key, { owner, landed, land })
    return null
  }

  /** Ends `owner`'s flight for `key` (waiters look for the stored page); does nothing for anyone else's. */
  land(key: string, owner: object): void {
    const flight = this.#flights.get(key)
    if (flight?.owner !== owner) return
    this.#flights.delete(key)
    flight.land()
  }

  /** Flights under way (for tests). */
  get size(): number {
    return this.#flights.size
  }
}
