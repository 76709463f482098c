export { NOTICE_TEMPLATE_ID } from './templates'

/**
 * Platform-neutral fallback (tsc, jest). Must be called directly in a tap handler (WeChat allows
 * the prompt only there). Resolves the remaining grants, or null when the user declined.
 */
export async function requestNoticeSubscription(): Promise<{ ok: true; credits: number } | { ok: false; message: string } | null> {
  return null
}
