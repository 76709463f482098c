import { Text, View } from '@tarojs/components'
import { MIN_SERVICE_MINUTES, RECORD_SOURCE_LABELS, type ServiceRecord } from '@contracts/activities'
import { dayLabel, duration, timeOf } from '../format'
import { RecordStatusTag, Tag } from './Tags'
import './volunteer.scss'
import './volunteer-pages.scss'

/** Who entered a make-up record (its first history entry): the one person who may not verify it. */
export const enteredByOf = (r: ServiceRecord): string | undefined => (r.makeUp ? r.history.find((h) => h.action === '补录时长')?.by : undefined)

/** A check-out confirmed before the minimum service (closed with 0 minutes; the history says what was served). */
const isShortStay = (r: ServiceRecord) => r.history.some((h) => h.action.includes(`不足${MIN_SERVICE_MINUTES}分钟`))

/** A service record: what, when, check-in/out, minutes, status; with optional actions, or a note in their place. */
export function RecordRow({
  record: r,
  showName,
  actions,
  note
}: {
  record: ServiceRecord
  showName?: boolean
  actions?: { label: string; onClick: () => void }[]
  note?: string
}) {
  const times =
    r.source === 'checkin'
      ? `签到 ${r.checkInAt ? timeOf(r.checkInAt) : '-'} · 签退 ${r.checkOutAt ? timeOf(r.checkOutAt) : '未签退'}`
      : RECORD_SOURCE_LABELS[r.source]
  const counted = r.status === 'approved' || r.status === 'adjusted' ? r.verifiedMinutes : r.minutes
  return (
    <View className='vt-row'>
      <View className='vt-row__main'>
        <View className='vt-card__tags'>
          <RecordStatusTag status={r.status} />
          {r.autoClosed ? <Tag tone='gold'>未签退·自动结束</Tag> : null}
          {r.makeUp ? <Tag tone='blue'>补录</Tag> : null}
          {r.makeUp && r.status === 'pending' ? <Tag tone='gold'>补录待复核</Tag> : null}
          {isShortStay(r) ? <Tag tone='gold'>{`服务不足${MIN_SERVICE_MINUTES}分钟·不计时长`}</Tag> : null}
        </View>
        <Text className='vt-row__title'>{showName ? r.name : r.title}</Text>
        <Text className='vt-row__sub'>
          {showName ? '' : `${dayLabel(r.serviceDate)} · ${r.category} · `}
          {times}
        </Text>
        {r.status === 'adjusted' || r.status === 'declined' ? (
          <Text className='vt-row__sub'>说明：{[...r.history].reverse().find((h) => h.note)?.note ?? '-'}</Text>
        ) : null}
        {note ? <Text className='vt-row__sub'>{note}</Text> : null}
        {actions?.length ? (
          <View className='vt-card__tags' style={{ marginTop: '12px' }}>
            {actions.map((a) => (
              <Text key={a.label} className='vt-row__action' style={{ marginLeft: 0, marginRight: '16px' }} onClick={a.onClick}>
                {a.label}
              </Text>
            ))}
          </View>
        ) : null}
      </View>
      <Text className='vt-row__value'>{r.status === 'open' ? '服务中' : duration(counted)}</Text>
    </View>
  )
}
