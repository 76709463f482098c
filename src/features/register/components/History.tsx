import { Text, View } from '@tarojs/components'
import type { Registration } from '@contracts/members'
import { eventLabel, formatTime } from '../format'

export function History({ history }: { history: NonNullable<Registration['history']> }) {
  return (
    <View className='rg-history'>
      {[...history].reverse().map((h, i) => (
        <View key={`${h.at}-${i}`} className='rg-history__item'>
          <View className='rg-history__dot' />
          <Text className='rg-history__head'>{eventLabel(h.event)}</Text>
          <Text className='rg-history__meta'>
            {formatTime(h.at)}
            {h.actorName ? ` · ${h.actorName}` : ''}
          </Text>
          {h.note ? <Text className='rg-history__note'>{h.note}</Text> : null}
        </View>
      ))}
    </View>
  )
}
