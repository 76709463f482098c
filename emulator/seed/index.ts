import { seedActivities } from './activities'
import { seedCenters } from './centers'
import { buildDistrict } from './district'
import { seedMembers } from './members'
import { seedNotices } from './notices'
import { buildPersonas, buildVolunteerConsents } from './personas'
import { seedTickets } from './tickets'
import type { DomainSeed, SeedOptions, SeedStore } from './types'

export type { DomainSeed, SeedOptions, SeedStore } from './types'

// seedNotices reads the members' `users` (who has read what), so it runs after seedMembers.
const domainSeeds: DomainSeed[] = [seedMembers, seedCenters, seedActivities, seedTickets, seedNotices]

export async function seedDemo(store: SeedStore, options: Partial<SeedOptions> = {}): Promise<void> {
  const full: SeedOptions = { scale: options.scale ?? 1, now: options.now ?? new Date() }
  const district = buildDistrict(full.scale)
  for (const [collection, docs] of Object.entries(district)) {
    await store.insertMany(collection, docs as unknown as Record<string, unknown>[])
  }
  await store.insertMany('users', buildPersonas(full.now) as unknown as Record<string, unknown>[])
  await store.insertMany('consents', buildVolunteerConsents(full.now))
  for (const seed of domainSeeds) await seed(store, full)
}
