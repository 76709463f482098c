import type { PlaceOption } from '../../contracts/notices'
import { db } from '../core/db'

interface Named {
  _id: string
  name: string
  order?: number
}

/** All matching documents of a small district collection, in their display order, 100 per read. */
async function named(collection: string, where: object): Promise<PlaceOption[]> {
  const out: PlaceOption[] = []
  for (let page = 0; page < 20; page++) {
    const res = await db().collection(collection).where(where).orderBy('order', 'asc').skip(page * 100).limit(100).field({ name: true, order: true }).get()
    out.push(...(res.data as Named[]).map((d) => ({ id: d._id, name: d.name })))
    if (res.data.length < 100) break
  }
  return out
}

/** Communities; or the compounds (grids) of one community; or the buildings of one compound. */
export async function places(input: { communityId?: string; gridId?: string }): Promise<{ items: PlaceOption[] }> {
  if (input.gridId) return { items: await named('buildings', { gridId: input.gridId }) }
  if (input.communityId) return { items: await named('grids', { communityId: input.communityId }) }
  return { items: await named('communities', {}) }
}
