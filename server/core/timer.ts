import { fail, ok, type Reply } from '../../contracts/reply'
import { sdk } from './db'
import { identify } from './identity'

/**
 * Cloud timer triggers call the function with `{ Type: 'Timer', TriggerName, Time }` and no user.
 * This routes such an event to the named job of `jobs` (the triggers of the function's
 * config.json); everything else goes to the normal function shell. A client cannot fake a timer:
 * a call from the mini-program always carries an OPENID, and such an event is refused.
 */
export function withTimer(main: (event: unknown, context?: unknown) => Promise<Reply<unknown>>, jobs: Record<string, () => Promise<unknown>>) {
  return async (event: unknown, context?: unknown): Promise<Reply<unknown>> => {
    const e = event as { Type?: unknown; TriggerName?: unknown } | null
    if (e && e.Type === 'Timer' && typeof e.TriggerName === 'string') {
      // A person's call (an OPENID) or any web page's (a CloudBase user, signed in or anonymous) is never the timer.
      const who = identify(context)
      if (sdk().getWXContext().OPENID || who.kind !== 'none' || who.web) return fail('FORBIDDEN', '无权进行此操作')
      // Own jobs only: `constructor`, `toString` … are not jobs.
      const job = Object.prototype.hasOwnProperty.call(jobs, e.TriggerName) ? jobs[e.TriggerName] : undefined
      if (!job) return fail('INVALID_INPUT', `未知定时任务：${e.TriggerName}`)
      try {
        return ok(await job())
      } catch (error) {
        console.error('[timer] job failed', e.TriggerName, error)
        return fail('INTERNAL', '定时任务失败')
      }
    }
    return main(event, context)
  }
}
