import { functionClient } from '@/services/cloud'
import { centersContract } from '@contracts/centers'

const centers = functionClient('centers', centersContract)

/** Centres a centre event can take place at (the 邻里中心 function, read only; used by the edit page). */
export const centersLookup = {
  // Kept by hand: the `centers` list with fixed filters (a community's open centres, one page of 100).
  list: (communityId: string) => centers.list({ communityId, status: 'open', pageSize: 100 })
}
