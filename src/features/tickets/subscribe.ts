/**
 * Template ids the app asks residents to subscribe to (the same ids as server/notify/templates.ts,
 * given to the mini-program build as TARO_APP_* variables). Platform-neutral fallback: nothing to ask.
 */
export const TICKET_TEMPLATE_IDS = [process.env.TARO_APP_TPL_TICKET_PROGRESS, process.env.TARO_APP_TPL_WISH_PROGRESS].filter((id): id is string => !!id)

/** Must be called directly in a tap handler (WeChat shows the prompt only there). */
export async function requestTicketSubscription(): Promise<void> {}
