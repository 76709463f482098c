import { functionClient } from '@/services/cloud'
import { activitiesContract } from '@contracts/activities'
import { teamsContract } from '@contracts/teams'

/** The `activities` function: one typed call per action of its contract (replies parsed with it). */
export const activitiesApi = functionClient('activities', activitiesContract)

/** The `teams` function. */
export const teamsApi = functionClient('teams', teamsContract)
