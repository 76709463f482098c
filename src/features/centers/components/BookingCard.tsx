import type { ReactNode } from 'react'
import { Text, View } from '@tarojs/components'
import type { BookingView } from '@contracts/centerList'
import { rangeLabel, timeOf } from '../format'
import { BookingStatusTag } from './Tags'
import './centers.scss'

/** A booking: when, where, what for, its status and why (rejected / cancelled), plus actions. */
export function BookingCard({ booking, showBooker, children }: { booking: BookingView; showBooker?: boolean; children?: ReactNode }) {
  return (
    <View className='ct-card ct-booking' data-booking={booking.id}>
      <View className='ct-row ct-row--between'>
        <Text className='ct-booking__when'>{rangeLabel(booking.start, booking.end)}</Text>
        <BookingStatusTag status={booking.status} />
      </View>
      <Text className='ct-booking__where'>{booking.centerName} · {booking.roomName}</Text>
      <Text className='ct-line'>用途：{booking.purpose}（{booking.attendees}人）</Text>
      {showBooker && booking.bookerName ? (
        <Text className='ct-line'>预约人：{booking.bookerName}{booking.bookerMobile ? ` ${booking.bookerMobile}` : ''}</Text>
      ) : null}
      {booking.reason && (booking.status === 'rejected' || booking.status === 'cancelled' || booking.status === 'no_show' || booking.status === 'expired') ? (
        <Text className='ct-line ct-line--warn'>原因：{booking.reason}</Text>
      ) : null}
      {booking.status === 'pending' ? <Text className='ct-line ct-line--muted'>等待社区工作人员审核，结果会通知您</Text> : null}
      {booking.status === 'confirmed' && !showBooker ? <Text className='ct-line ct-line--muted'>请在开始前后15分钟内到场，扫描门口二维码签到</Text> : null}
      {booking.status === 'checked_in' && booking.checkedInAt ? <Text className='ct-line ct-line--muted'>{timeOf(booking.checkedInAt)} 已签到</Text> : null}
      {children ? <View className='ct-actions'>{children}</View> : null}
    </View>
  )
}
