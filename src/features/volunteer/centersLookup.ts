import { call } from '@/services/cloud'
import { centersContract } from '@contracts/centers'

/** Centres a centre event can take place at (the 邻里中心 function, read only; used by the edit page). */
export const centersLookup = {
  list: (communityId: string) => call('centers', 'list', { communityId, status: 'open', pageSize: 100 }, centersContract.list.output)
}
