import Taro from '@tarojs/taro'
import { noticesApi } from './api'
import { NOTICE_TEMPLATE_ID } from './templates'

export { NOTICE_TEMPLATE_ID } from './templates'

/** Mini-program: WeChat's one-time subscription prompt, then one grant recorded on the server. */
export async function requestNoticeSubscription(): Promise<{ ok: true; credits: number } | { ok: false; message: string } | null> {
  let accepted = false
  try {
    const res = (await Taro.requestSubscribeMessage({ tmplIds: [NOTICE_TEMPLATE_ID], entityIds: [] } as never)) as unknown as Record<string, string>
    accepted = res[NOTICE_TEMPLATE_ID] === 'accept'
  } catch {
    return { ok: false, message: '订阅未成功，请稍后重试' }
  }
  if (!accepted) return null
  const reply = await noticesApi.subscribe()
  return reply.ok ? { ok: true, credits: reply.data.credits } : { ok: false, message: reply.error.message }
}
