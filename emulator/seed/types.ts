/**
 * The types a seed is written against, in their own module so that the domain seeds and
 * ./index (which runs them) both import from here and never from each other.
 */

/** The part of the emulator store a seed writes through (bulk, bypassing the SDK for speed). */
export interface SeedStore {
  insertMany(collection: string, docs: Record<string, unknown>[]): void | Promise<void>
  /** Reads what earlier seeds wrote (the emulator Store has it), for seeds that build on another domain's people. */
  find?(collection: string, query?: Record<string, unknown>): Record<string, unknown>[]
}

export interface SeedOptions {
  scale: number
  now: Date
}

/**
 * A domain's demo data, run after the district and personas exist. Each domain adds its own
 * module (members, activities, centres, notices, tickets …), keeping demo data beside the
 * domain that owns it, and ./index lists it in `domainSeeds`.
 */
export type DomainSeed = (store: SeedStore, options: SeedOptions) => void | Promise<void>
