/**
 * Remembers codes seen by the camera so one ticket held in front of it is
 * submitted once: a code is accepted again only after it has been out of
 * sight for `ms` milliseconds (every sighting restarts its clock).
 */
export class ScanCooldown {
  private readonly seen = new Map<string, number>()

  constructor(readonly ms = 3000) {}

  accept(code: string, now = Date.now()): boolean {
    const last = this.seen.get(code)
    this.seen.set(code, now)
    if (this.seen.size > 200) {
      for (const [key, at] of this.seen) if (now - at > this.ms) this.seen.delete(key)
    }
    return last === undefined || now - last > this.ms
  }

  reset(): void {
    this.seen.clear()
  }
}
