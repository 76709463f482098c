import { defineFunction } from '../../server/core/function'
import { sdk } from '../../server/core/db'
import { noticesActions } from '../../server/notices'
import { dispatchDuePushes } from '../../server/notices/push'

const handle = defineFunction('notices', noticesActions)

/**
 * The actions, plus the timer trigger declared in config.json: a timer event carries
 * `Type: 'Timer'` and no action and no user; it sends the pushes of important notices that came
 * due (see server/notices/push.ts). Only the cloud's timer runs it: an event that says `Timer` but
 * comes with an OPENID is a person's call (the mini-program always carries one) and is refused,
 * as in the tickets and centres functions.
 */
export async function main(event: unknown): Promise<unknown> {
  if (event && typeof event === 'object' && (event as { Type?: string }).Type === 'Timer') {
    if (sdk().getWXContext().OPENID) return { ok: false, error: { code: 'FORBIDDEN', message: '无权进行此操作' } }
    try {
      return { ok: true, data: await dispatchDuePushes() }
    } catch (error) {
      console.error('[notices] timer dispatch failed', error)
      return { ok: false, error: { code: 'INTERNAL', message: '定时推送失败' } }
    }
  }
  return handle(event)
}
