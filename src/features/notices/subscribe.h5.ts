import { noticesApi } from './api'

export { NOTICE_TEMPLATE_ID } from './templates'

/** H5 (the emulator): no WeChat prompt; the grant is recorded and messages go to the local outbox. */
export async function requestNoticeSubscription(): Promise<{ ok: true; credits: number } | { ok: false; message: string } | null> {
  const reply = await noticesApi.subscribe()
  return reply.ok ? { ok: true, credits: reply.data.credits } : { ok: false, message: reply.error.message }
}
