/**
 * The subscription templates a volunteer is asked to accept when signing up; the functions send
 * with the same ids (server/notify/templates.ts: TPL_ACTIVITY_PROMOTED, TPL_ACTIVITY_CANCELLED,
 * TPL_ACTIVITY_REMINDER). Set TARO_APP_TPL_* in the mini-program's .env.production.
 */
export const ACTIVITY_TEMPLATE_IDS = [
  process.env.TARO_APP_TPL_ACTIVITY_PROMOTED || 'tpl-activity-promoted',
  process.env.TARO_APP_TPL_ACTIVITY_CANCELLED || 'tpl-activity-cancelled',
  process.env.TARO_APP_TPL_ACTIVITY_REMINDER || 'tpl-activity-reminder'
]
