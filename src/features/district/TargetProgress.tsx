import { Text, View } from '@tarojs/components'
import { NO_TARGET_LABEL, targetPercentText } from '@contracts/targetLabels'
import type { TargetProgress } from '@contracts/members'
import { formatValue } from './format'
import './targets.scss'

/**
 * 在职党员报到 community by community: approved (已报到) against the community's own target, with
 * a bar; a community without a target says 未设目标 instead of a percentage.
 */
export function TargetProgressList({ rows, onOpen }: { rows: TargetProgress[]; onOpen?: (communityId: string) => void }) {
  return (
    <View className='hl-targets'>
      {rows.map((r) => (
        <View key={r.communityId} className='hl-targets__row' data-testid={`target-${r.communityId}`} onClick={onOpen ? () => onOpen(r.communityId) : undefined}>
          <View className='hl-targets__head'>
            <Text className='hl-targets__name'>{r.communityName}</Text>
            <Text className={`hl-targets__pct${r.percent === null ? ' hl-targets__pct--none' : ''}`}>{targetPercentText(r.percent)}</Text>
          </View>
          {r.percent !== null ? (
            <View className='hl-targets__bar'>
              <View className='hl-targets__fill' style={{ width: `${Math.min(100, r.percent)}%` }} />
            </View>
          ) : null}
          <Text className='hl-targets__meta'>
            已报到 {formatValue(r.approved)} 名 · {r.target === null ? NO_TARGET_LABEL : `目标 ${formatValue(r.target)} 名`}
          </Text>
        </View>
      ))}
    </View>
  )
}
