/**
 * Names of the district's reference documents (communities, compounds, buildings, companies) by
 * `_id`, remembered by the warm instance for a few minutes: they are set up by the district and
 * hardly ever renamed, and nearly every screen shows them. A renaming shows everywhere within
 * NAME_TTL_MS. Misses are read together in one round trip (server/core/together.ts).
 */
import { clock } from './clock'
import { readTogether, type Part } from './together'

export const NAME_TTL_MS = 5 * 60_000
const MAX_NAMES = 5000

const cache = new Map<string, { name: string | null; until: number }>()

export interface NameRef {
  collection: string
  id: string
}

/** `collection/id` → name (null: no such document). One round trip when any is not remembered. */
export async function namesOf(refs: NameRef[]): Promise<Map<string, string | null>> {
  const now = clock.now()
  const out = new Map<string, string | null>()
  const missing = new Map<string, NameRef>()
  for (const ref of refs) {
    const key = `${ref.collection}/${ref.id}`
    const hit = cache.get(key)
    if (hit && hit.until > now) out.set(key, hit.name)
    else missing.set(key, ref)
  }
  if (missing.size === 0) return out
  const keys = [...missing.keys()]
  const parts: Record<string, Part> = {}
  keys.forEach((key, i) => {
    const ref = missing.get(key)!
    parts[`n${i}`] = { collection: ref.collection, build: (p) => p.match({ _id: ref.id }).limit(1).project({ name: true }) }
  })
  const found = await readTogether(parts)
  if (cache.size + keys.length > MAX_NAMES) cache.clear()
  keys.forEach((key, i) => {
    const name = (found[`n${i}`][0]?.name as string | undefined) ?? null
    // A place not found yet may be created in a moment: only names are remembered.
    if (name !== null) cache.set(key, { name, until: now + NAME_TTL_MS })
    out.set(key, name)
  })
  return out
}
