import { Text } from '@tarojs/components'
import { BOOKING_STATUS_LABELS, CENTER_STATUS_LABELS, type BookingStatus, type CenterStatus } from '@contracts/centerLabels'
import './centers.scss'

const BOOKING_TONE: Record<BookingStatus, string> = {
  pending: 'wait',
  confirmed: 'ok',
  checked_in: 'done',
  cancelled: 'off',
  rejected: 'bad',
  no_show: 'bad',
  expired: 'off'
}
const CENTER_TONE: Record<CenterStatus, string> = { planned: 'off', under_construction: 'wait', built: 'ok', accepted: 'done' }

export function BookingStatusTag({ status }: { status: BookingStatus }) {
  return <Text className={`ct-tag ct-tag--${BOOKING_TONE[status]}`}>{BOOKING_STATUS_LABELS[status]}</Text>
}

export function CenterStatusTag({ status }: { status: CenterStatus }) {
  return <Text className={`ct-tag ct-tag--${CENTER_TONE[status]}`}>{CENTER_STATUS_LABELS[status]}</Text>
}

export function Tag({ children, tone = 'plain' }: { children: string; tone?: 'plain' | 'ok' | 'wait' | 'bad' | 'off' | 'done' }) {
  return <Text className={`ct-tag ct-tag--${tone}`}>{children}</Text>
}
