/**
 * Template ids the app asks residents to subscribe to (the same ids as server/notify/templates.ts,
 * given to the mini-program build as TARO_APP_* variables).
 *
 * Its own platform-free module because subscribe.weapp.ts / subscribe.h5.ts cannot import it from
 * ./subscribe: in a Taro build `./subscribe` resolves to the platform file itself.
 */
export const TICKET_TEMPLATE_IDS = [process.env.TARO_APP_TPL_TICKET_PROGRESS, process.env.TARO_APP_TPL_WISH_PROGRESS].filter((id): id is string => !!id)
