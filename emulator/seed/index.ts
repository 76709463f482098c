import { seedActivities } from './activities'
import { seedCenters } from './centers'
import { buildDistrict } from './district'
import { seedMembers } from './members'
import { seedNotices } from './notices'
import { buildPersonas } from './personas'
import { seedTickets } from './tickets'

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
 * module here (members, activities, centres, notices, tickets …), keeping demo data beside the
 * domain that owns it.
 */
export type DomainSeed = (store: SeedStore, options: SeedOptions) => void | Promise<void>

// seedNotices reads the members' `users` (who has read what), so it runs after seedMembers.
const domainSeeds: DomainSeed[] = [seedMembers, seedCenters, seedActivities, seedTickets, seedNotices]

export async function seedDemo(store: SeedStore, options: Partial<SeedOptions> = {}): Promise<void> {
  const full: SeedOptions = { scale: options.scale ?? 1, now: options.now ?? new Date() }
  const district = buildDistrict(full.scale)
  for (const [collection, docs] of Object.entries(district)) {
    await store.insertMany(collection, docs as unknown as Record<string, unknown>[])
  }
  await store.insertMany('users', buildPersonas(full.now) as unknown as Record<string, unknown>[])
  for (const seed of domainSeeds) await seed(store, full)
}
