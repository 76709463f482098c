import { defineFunction } from '../../server/core/function'
import { withTimer } from '../../server/core/timer'
import { centersActions, sweepAll } from '../../server/centers'

/**
 * The actions, plus the timer trigger declared in config.json: `sweepNoShows` (every 5 minutes)
 * releases no-shows and expires unreviewed bookings across the district (the staff's `sweep`
 * action and the reads do the same lazily).
 */
export const main = withTimer(defineFunction('centers', centersActions), { sweepNoShows: sweepAll })
