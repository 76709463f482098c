import { Text, View } from '@tarojs/components'
import type { MyDataSection } from '@contracts/users'
import { go } from '@/services/navigate'
import { formatTime, SECTION_ROUTES } from './sections'

/** One kind of record held about me: how many, the newest few, and where to see them all. */
export function DataSection({ section }: { section: MyDataSection }) {
  const route = SECTION_ROUTES[section.key]
  return (
    <View className='pv-data' data-testid={`data-${section.key}`}>
      <View className='pv-data__head'>
        <Text className='pv-data__title'>{section.title}</Text>
        <Text className='pv-data__count'>{section.total} 条</Text>
      </View>
      {section.items.map((item) => (
        <View key={item.id} className='pv-item'>
          <View className='pv-item__main'>
            <Text className='pv-item__title'>{item.title}</Text>
            {item.status ? <Text className='pv-item__status'>{item.status}</Text> : null}
          </View>
          {item.at || item.detail ? (
            <Text className='pv-item__line'>{[formatTime(item.at), item.detail].filter(Boolean).join('　')}</Text>
          ) : null}
        </View>
      ))}
      {route && section.total > section.items.length ? (
        <View className='pv-data__more' hoverClass='pv-data__more--pressed' onClick={() => go(route)}>
          <Text className='pv-data__more-text'>查看全部 {section.total} 条 ›</Text>
        </View>
      ) : null}
    </View>
  )
}
