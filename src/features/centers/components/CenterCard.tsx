import { Image, Text, View } from '@tarojs/components'
import type { CenterSummary } from '@contracts/centerList'
import { distanceLabel } from '../format'
import { CenterStatusTag } from './Tags'
import './centers.scss'

/** One centre in a list: name, status, where, when it is open, its rooms. */
export function CenterCard({ center, onClick }: { center: CenterSummary; onClick: () => void }) {
  const distance = distanceLabel(center.distance)
  return (
    <View className='ct-card ct-center' hoverClass='ct-card--pressed' onClick={onClick}>
      {center.photo ? <Image className='ct-center__photo' src={center.photo} mode='aspectFill' /> : <View className='ct-center__mark'><Text>邻</Text></View>}
      <View className='ct-center__body'>
        <View className='ct-row'>
          <Text className='ct-center__name'>{center.name}</Text>
        </View>
        <View className='ct-row ct-row--wrap'>
          <CenterStatusTag status={center.status} />
          {center.ownCommunity ? <Text className='ct-tag ct-tag--plain'>本社区</Text> : null}
          {distance ? <Text className='ct-tag ct-tag--plain'>{distance}</Text> : null}
        </View>
        <Text className='ct-line'>{center.communityName && !center.address.startsWith(center.communityName) ? `${center.communityName} · ` : ''}{center.address}</Text>
        <Text className='ct-line ct-line--muted'>{center.hoursText}</Text>
        {center.roomCount ? <Text className='ct-line ct-line--accent'>{center.roomCount}间活动室可预约 ›</Text> : null}
      </View>
    </View>
  )
}
