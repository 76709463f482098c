import Taro from '@tarojs/taro'
import { TICKET_TEMPLATE_IDS } from './templates'

export { TICKET_TEMPLATE_IDS } from './templates'

/** Mini-program: WeChat's one-time prompt for progress messages; a refusal changes nothing. */
export async function requestTicketSubscription(): Promise<void> {
  if (!TICKET_TEMPLATE_IDS.length) return
  try {
    await Taro.requestSubscribeMessage({ tmplIds: TICKET_TEMPLATE_IDS, entityIds: [] } as never)
  } catch {
    // declined or unsupported: the report is sent anyway
  }
}
