import { Text, View } from '@tarojs/components'
import type { ListItem } from '@contracts/members'
import { formatTime, residenceLine } from '../format'
import { StatusTag } from './StatusTag'

/** One registration in the staff list: who, where, status; tap to open. */
export function RegistrationCard({ item, onOpen }: { item: ListItem; onOpen: () => void }) {
  return (
    <View className='rg-card' hoverClass='tk-card--pressed' onClick={onOpen} data-testid={`registration-${item.id}`}>
      <View className='rg-card__head'>
        <Text className='rg-card__name'>{item.name}</Text>
        <StatusTag status={item.status} transfer={!!item.transferFrom} />
      </View>
      <Text className='rg-card__line'>{residenceLine(item)}</Text>
      <Text className='rg-card__line'>
        {item.workUnit} · {item.mobileMasked}
      </Text>
      {item.placement ? <Text className='rg-card__meta'>{item.placement.partyGroup.name}</Text> : null}
      {item.transferFrom ? <Text className='rg-card__meta'>由{item.transferFrom.communityName}转入</Text> : null}
      <Text className='rg-card__meta'>提交于 {formatTime(item.submittedAt)}</Text>
      {item.status === 'pending' ? <Text className='rg-card__go'>去审核 ›</Text> : null}
    </View>
  )
}
