/**
 * The template the app asks permission for; the functions send with the same id
 * (server/notify/templates.ts, TPL_NOTICE_PUBLISHED). Set TARO_APP_TPL_NOTICE_PUBLISHED in the
 * mini-program's .env.production.
 *
 * Its own platform-free module because subscribe.weapp.ts / subscribe.h5.ts cannot import it from
 * ./subscribe: in a Taro build `./subscribe` resolves to the platform file itself.
 */
export const NOTICE_TEMPLATE_ID = process.env.TARO_APP_TPL_NOTICE_PUBLISHED || 'tpl-notice-published'
