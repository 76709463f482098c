import { defineFunction } from '../../server/core/function'
import { sdk } from '../../server/core/db'
import { centersActions, sweepAll } from '../../server/centers'

const handle = defineFunction('centers', centersActions)

/**
 * Calls from the app go through the action shell. The timer trigger in config.json (every 5
 * minutes) arrives as `{ Type: 'Timer', TriggerName: 'sweepNoShows' }` with no user: it releases
 * no-shows and expires unreviewed bookings across the district (the emulator has no timers; there
 * the sweep runs lazily on reads and from the staff's `sweep` action).
 */
export async function main(event: unknown, context?: unknown) {
  const e = event as { Type?: string; TriggerName?: string } | undefined
  if (e?.Type === 'Timer' && e.TriggerName === 'sweepNoShows' && !sdk().getWXContext().OPENID) {
    return { ok: true, data: await sweepAll() }
  }
  void context
  return handle(event)
}
