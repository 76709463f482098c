import { Text, View } from '@tarojs/components'
import type { CoverageRow as Row } from '@contracts/notices'
import { percent } from '../format'
import './notices.scss'

/** One place's coverage: name, "已读 12/30 · 40%", a bar; tappable to go one level down. */
export function CoverageRow({ row, onClick }: { row: Row; onClick?: () => void }) {
  const rate = row.audience > 0 ? Math.min(1, row.read / row.audience) : 0
  return (
    <View className={onClick ? 'nt-row nt-row--link' : 'nt-row'} onClick={onClick} hoverClass={onClick ? 'nt-card--pressed' : 'none'}>
      <View className='nt-row__head'>
        <Text className='nt-row__name'>
          {row.name}
          {row.parentName ? <Text className='nt-row__parent'>{row.parentName}</Text> : null}
        </Text>
        <Text className='nt-row__figure'>
          已读 {row.read}/{row.audience} · {percent(rate)}
          {onClick ? <Text className='nt-row__more'>›</Text> : null}
        </Text>
      </View>
      <View className='nt-bar'>
        <View className='nt-bar__fill' style={{ width: `${Math.round(rate * 100)}%` }} />
      </View>
    </View>
  )
}
