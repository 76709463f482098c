/**
 * The template the app asks permission for; the functions send with the same id
 * (server/notify/templates.ts, TPL_NOTICE_PUBLISHED). Set TARO_APP_TPL_NOTICE_PUBLISHED in the
 * mini-program's .env.production.
 */
export const NOTICE_TEMPLATE_ID = process.env.TARO_APP_TPL_NOTICE_PUBLISHED || 'tpl-notice-published'

/**
 * Platform-neutral fallback (tsc, jest). Must be called directly in a tap handler (WeChat allows
 * the prompt only there). Resolves the remaining grants, or null when the user declined.
 */
export async function requestNoticeSubscription(): Promise<{ ok: true; credits: number } | { ok: false; message: string } | null> {
  return null
}
