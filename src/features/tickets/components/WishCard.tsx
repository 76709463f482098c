import { Text, View } from '@tarojs/components'
import { WISH_CATEGORY_LABELS, WISH_STATUS_LABELS, type Wish } from '@contracts/wishes'
import { formatTime } from '../format'
import './tickets.scss'

const CLASS: Record<Wish['status'], string> = {
  pending: 'tk-tag tk-tag--blue',
  rejected: 'tk-tag tk-tag--grey',
  open: 'tk-tag tk-tag--orange',
  claimed: 'tk-tag tk-tag--blue',
  completed: 'tk-tag tk-tag--green',
  confirmed: 'tk-tag tk-tag--grey',
  cancelled: 'tk-tag tk-tag--grey'
}

/** One 微心愿 in a list. */
export function WishCard({ wish, onClick }: { wish: Wish; onClick: () => void }) {
  return (
    <View className='tk-card' hoverClass='tk-card--pressed' onClick={onClick} data-wish-id={wish._id}>
      <View className='tk-card__main'>
        <View>
          <Text className='tk-tag'>{WISH_CATEGORY_LABELS[wish.category]}</Text>
          <Text className={CLASS[wish.status]}>{WISH_STATUS_LABELS[wish.status]}</Text>
        </View>
        <Text className='tk-card__title'>{wish.title}</Text>
        <Text className='tk-card__meta'>
          {wish.gridName}
          {wish.buildingName ? ` ${wish.buildingName}` : ''} · {wish.residentName} · {formatTime(wish.createdAt)}
        </Text>
        {wish.memberName ? <Text className='tk-card__meta'>认领党员：{wish.memberName}</Text> : null}
        {wish.status === 'pending' && wish.mine ? <Text className='tk-card__meta'>社区工作人员审核后公开</Text> : null}
        {wish.rejectReason ? <Text className='tk-card__meta'>未通过原因：{wish.rejectReason}</Text> : null}
      </View>
    </View>
  )
}
