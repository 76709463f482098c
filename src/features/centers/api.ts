import { functionClient } from '@/services/cloud'
import { activitiesContract } from '@contracts/activities'
import { centersContract } from '@contracts/centers'

/** The `centers` function: one typed call per action of its contract (replies parsed with it). */
export const centersApi = functionClient('centers', centersContract)

const activities = functionClient('activities', activitiesContract)

/**
 * Centre events are activities of kind "event" held at the centre: listed (and signed up for)
 * through the `activities` function, never a second copy here.
 */
export const centerEventsApi = {
  // Kept by hand: the `activities` list with a centre's fixed filters (upcoming events there).
  list: (centerId: string, pageSize = 5) => activities.list({ kind: 'event', centerId, when: 'upcoming', pageSize })
}
