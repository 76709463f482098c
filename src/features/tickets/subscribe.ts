/** Platform-neutral fallback (tsc, jest): nothing to ask. The ids live in ./templates. */
export { TICKET_TEMPLATE_IDS } from './templates'

/** Must be called directly in a tap handler (WeChat shows the prompt only there). */
export async function requestTicketSubscription(): Promise<void> {}
