import { Text, View } from '@tarojs/components'
import './volunteer.scss'
import './volunteer-pages.scss'

export interface StatItem {
  label: string
  value: string | number
}

/** Two to four big figures in a row; the first may be highlighted. */
export function Stats({ items, hero }: { items: StatItem[]; hero?: boolean }) {
  return (
    <View className='vt-stats'>
      {items.map((s, i) => (
        <View key={s.label} className={hero && i === 0 ? 'vt-stat vt-stat--hero' : 'vt-stat'}>
          <Text className='vt-stat__value'>{s.value}</Text>
          <Text className='vt-stat__label'>{s.label}</Text>
        </View>
      ))}
    </View>
  )
}
