import { Text, View } from '@tarojs/components'
import './volunteer.scss'

export interface Tool {
  key: string
  label: string
  badge: string
  onClick: () => void
}

/** Three- or four-across shortcut tiles (a page's secondary actions). */
export function Tools({ tools, columns = 3 }: { tools: Tool[]; columns?: 3 | 4 }) {
  return (
    <View className='vt-tools'>
      {tools.map((t) => (
        <View key={t.key} className={columns === 4 ? 'vt-tool vt-tool--four' : 'vt-tool'} hoverClass='vt-tool--pressed' onClick={t.onClick}>
          <View className='vt-tool__badge'>
            <Text>{t.badge}</Text>
          </View>
          <Text className='vt-tool__label'>{t.label}</Text>
        </View>
      ))}
    </View>
  )
}
