/**
 * The subscription templates booking messages use (server/notify/templates.ts:
 * bookingReviewed, bookingCancelled). Set TARO_APP_TPL_BOOKING_REVIEWED and
 * TARO_APP_TPL_BOOKING_CANCELLED in the mini-program's .env.production to the console's ids.
 *
 * Taro inlines `process.env.TARO_APP_*` only when the variable is set at build time; otherwise the
 * expression stays and `process` does not exist in the browser — hence the guarded read.
 */
function fromEnv(read: () => string | undefined, placeholder: string): string {
  try {
    return read() || placeholder
  } catch {
    return placeholder
  }
}

export const BOOKING_TEMPLATE_IDS = [
  fromEnv(() => process.env.TARO_APP_TPL_BOOKING_REVIEWED, 'tpl-booking-reviewed'),
  fromEnv(() => process.env.TARO_APP_TPL_BOOKING_CANCELLED, 'tpl-booking-cancelled')
]
