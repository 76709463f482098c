import { defineFunction } from '../../server/core/function'
import { noticesActions } from '../../server/notices'
import { dispatchDuePushes } from '../../server/notices/push'

const handle = defineFunction(noticesActions)

/**
 * The actions, plus the timer trigger declared in config.json: a timer event carries
 * `Type: 'Timer'` and no action or user; it sends the pushes of important notices that came due
 * (see server/notices/push.ts). It is not an action, so no caller can invoke it.
 */
export async function main(event: unknown): Promise<unknown> {
  if (event && typeof event === 'object' && (event as { Type?: string }).Type === 'Timer') {
    try {
      return { ok: true, data: await dispatchDuePushes() }
    } catch (error) {
      console.error('[notices] timer dispatch failed', error)
      return { ok: false, error: { code: 'INTERNAL', message: '定时推送失败' } }
    }
  }
  return handle(event)
}
