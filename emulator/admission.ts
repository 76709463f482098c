/**
 * Admission of function calls to the host (emulator/http.ts): at most `maxInFlight` calls run at
 * once; up to `maxQueue` more wait their turn, first come first served, each for at most
 * `maxQueueWaitMs`. A call that finds the queue full is refused at once, one that waited its whole
 * allowance is refused then: under overload every request is answered quickly (served or refused
 * with HTTP 503), and none waits behind an unbounded backlog.
 */

export interface AdmissionLimits {
  /** Calls running at once. */
  maxInFlight: number
  /** Calls waiting for a free slot (beyond these, a call is refused at once). */
  maxQueue: number
  /** The longest a call waits for a slot before it is refused. */
  maxQueueWaitMs: number
}

/**
 * Above what any scenario of the project asks for (the benches run 50 clients, the tests fewer),
 * so that only overload meets them. Sized so that 500 clients are answered within 1 s on a
 * 2-core machine (`npm run bench -- overload`): a served call waits at most 300 ms for one of 64
 * slots, and 64 calls in flight share the CPU; more slots or a longer queue only lengthen every
 * wait without serving more.
 */
export const DEFAULT_ADMISSION: AdmissionLimits = { maxInFlight: 64, maxQueue: 128, maxQueueWaitMs: 300 }

/** Why a call was refused: the queue was full, or it waited `maxQueueWaitMs` without a slot. */
export type Refusal = 'full' | 'timeout'

interface Waiter {
  resolve: (outcome: true | Refusal) => void
  timer: NodeJS.Timeout
  done: boolean
}

export interface AdmissionStats {
  running: number
  queued: number
  /** The most calls that waited at once so far (never above `maxQueue`). */
  peakQueued: number
  admitted: number
  refusedFull: number
  refusedTimeout: number
}

export class Admission {
  readonly limits: AdmissionLimits
  private running = 0
  private queued = 0
  private peakQueued = 0
  private admitted = 0
  private refusedFull = 0
  private refusedTimeout = 0
  private waiting: Waiter[] = []
  private head = 0

  constructor(limits: Partial<AdmissionLimits> = {}) {
    this.limits = { ...DEFAULT_ADMISSION, ...limits }
    for (const [key, value] of Object.entries(this.limits)) {
      if (!(value >= (key === 'maxInFlight' ? 1 : 0))) throw new Error(`admission limit ${key} must be a number ≥ ${key === 'maxInFlight' ? 1 : 0}`)
    }
  }

  /**
   * `true`: the call may run now (call `leave()` once it has answered). `'full'`: refused, the
   * queue is full. A promise: the call waits, and learns whether it got a slot (`true`) or waited
   * too long (`'timeout'`).
   */
  enter(): true | 'full' | Promise<true | 'timeout'> {
    if (this.running < this.limits.maxInFlight && this.queued === 0) {
      this.running++
      this.admitted++
      return true
    }
    if (this.queued >= this.limits.maxQueue) {
      this.refusedFull++
      return 'full'
    }
    return new Promise<true | 'timeout'>((resolve) => {
      const waiter: Waiter = {
        resolve: resolve as Waiter['resolve'],
        done: false,
        timer: setTimeout(() => {
          if (waiter.done) return
          waiter.done = true
          this.queued--
          this.refusedTimeout++
          this.trim()
          resolve('timeout')
        }, this.limits.maxQueueWaitMs)
      }
      this.waiting.push(waiter)
      this.queued++
      if (this.queued > this.peakQueued) this.peakQueued = this.queued
    })
  }

  /** A running call has answered: its slot goes to the longest-waiting call. */
  leave(): void {
    this.running--
    while (this.running < this.limits.maxInFlight && this.head < this.waiting.length) {
      const waiter = this.waiting[this.head++]
      if (waiter.done) continue
      waiter.done = true
      clearTimeout(waiter.timer)
      this.queued--
      this.running++
      this.admitted++
      waiter.resolve(true)
    }
    this.trim()
  }

  /** Drops the served and expired waiters from the front now and then (no shift per call). */
  private trim(): void {
    while (this.head < this.waiting.length && this.waiting[this.head].done) this.head++
    if (this.head >= 1024 || this.head === this.waiting.length) {
      this.waiting = this.waiting.slice(this.head)
      this.head = 0
    }
  }

  stats(): AdmissionStats {
    return {
      running: this.running,
      queued: this.queued,
      peakQueued: this.peakQueued,
      admitted: this.admitted,
      refusedFull: this.refusedFull,
      refusedTimeout: this.refusedTimeout
    }
  }
}
