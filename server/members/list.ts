import { fullMobileOf, type ListOutput, type listInput } from '../../contracts/members'
import type { z } from '../../contracts/zod'
import { audit } from '../core/audit'
import type { FirstReadContext } from '../core/function'
import { maskMobile } from '../core/mask'
import { readTogether, type Part } from '../core/together'
import { REGISTRATIONS, toViews } from './model'
import { byIdPart, viewsOf, withPlaces } from './parts'
import { scopeOf, stripMobile, whereOf } from './scope'

type ListData = z.output<typeof listInput>

/**
 * The community's registrations, filtered and paged. The review queue (status 'pending') is oldest
 * first, so nobody waits behind newer submissions; every other view is newest first.
 * A search by a whole mobile number (the only phone search there is) is audited, found or not.
 *
 * Round trips: the caller, the grid or building filtered on, the page with every place it names
 * and the total are one read when the community is named (as the app always does: the page is
 * answered only once the scope is checked on the caller read with it); without one the scope
 * comes from the caller, so the page and total are a second read. The audit entry adds one.
 */
export async function list(input: ListData, ctx: FirstReadContext): Promise<ListOutput> {
  const filtered: Record<string, Part> = {}
  if (input.gridId) filtered.grid = byIdPart('grids', input.gridId)
  if (input.buildingId) filtered.building = byIdPart('buildings', input.buildingId)
  // The table's order when it asks for one; else the review queue oldest first, the rest newest first.
  const sortField = input.sort?.field ?? 'submittedAt'
  const order = input.sort ? (input.sort.order === 'asc' ? 1 : -1) : input.status === 'pending' ? 1 : -1
  const skip = (input.page - 1) * input.pageSize
  const pageParts = (where: Record<string, unknown>): Record<string, Part> => ({
    page: { collection: REGISTRATIONS, build: (p) => withPlaces(p.match(where).sort({ [sortField]: order, _id: order }).skip(skip).limit(input.pageSize)) },
    total: { collection: REGISTRATIONS, build: (p) => p.match(where).count('total') }
  })
  // A named community is the whole scope (scopeOf), so the page can be read before the caller is known.
  const named = input.communityId ? whereOf([input.communityId], input) : null
  const { caller, docs } = await ctx.readWithCaller({ ...filtered, ...(named ? pageParts(named) : {}) })
  const communities = scopeOf(caller, input, docs.grid?.[0] as { communityId: string } | undefined, docs.building?.[0] as { communityId: string } | undefined)
  const read = named ? docs : await readTogether(pageParts(whereOf(communities, input)))
  const { records: found, known } = viewsOf(read.page)
  const counted = (read.total[0]?.total as number | undefined) ?? 0
  const mobile = input.q ? fullMobileOf(input.q) : null
  const [views] = await Promise.all([
    toViews(found, {}, known),
    mobile
      ? audit(caller, {
          action: 'members.searchMobile',
          target: { collection: REGISTRATIONS, id: found[0]?._id ?? '(none)', label: found[0]?.name },
          ...(communities?.length === 1 ? { communityId: communities[0] } : {}),
          detail: { mobile: maskMobile(mobile), matched: found.map((r) => r._id), reason: '按手机号查找报到记录' }
        })
      : undefined
  ])
  return { items: views.map(stripMobile), total: counted, page: input.page, pageSize: input.pageSize }
}
