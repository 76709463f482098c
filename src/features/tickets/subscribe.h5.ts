export { TICKET_TEMPLATE_IDS } from './templates'

/** H5 (the emulator): no prompt; messages go to the local outbox. */
export async function requestTicketSubscription(): Promise<void> {}
