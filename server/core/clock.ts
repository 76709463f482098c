/**
 * The one source of "now" for server code. Real time in the cloud; the emulator and tests may
 * replace the source (deadlines, expiries and escalations are tested with a controlled clock).
 */
let source: () => number = () => Date.now()

export const clock = {
  now(): number {
    return source()
  },
  date(): Date {
    return new Date(source())
  },
  /** Test and emulator seam only. */
  use(next: () => number): void {
    source = next
  },
  reset(): void {
    source = () => Date.now()
  }
}
