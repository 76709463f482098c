import { Picker, Text, View } from '@tarojs/components'
import { periodPresets } from './period'

export interface ScopeBarProps {
  /** Communities the caller may pick; `allowDistrict` adds 全区 first (district admin). */
  communities: { id: string; name: string }[]
  allowDistrict: boolean
  communityId?: string
  from: string
  to: string
  onChange: (next: { communityId?: string; from: string; to: string }) => void
}

/**
 * The dashboard's two choices: where (全区 or a community; staff see only theirs) and when (preset
 * chips, or the two dates picked by hand).
 */
export function ScopeBar({ communities, allowDistrict, communityId, from, to, onChange }: ScopeBarProps) {
  const places = [...(allowDistrict ? [{ id: '', name: '全区' }] : []), ...communities]
  const current = Math.max(0, places.findIndex((p) => p.id === (communityId ?? '')))
  const presets = periodPresets()
  const canPick = places.length > 1
  return (
    <View className='hl-scope'>
      <View className='hl-scope__row'>
        <Text className='hl-scope__caption'>范围</Text>
        {canPick ? (
          <Picker mode='selector' range={places.map((p) => p.name)} value={current} onChange={(e) => onChange({ communityId: places[Number(e.detail.value)].id || undefined, from, to })}>
            <View className='hl-scope__picker' data-testid='community-picker'>
              <Text className='hl-scope__picker-text'>{places[current]?.name ?? '全区'}</Text>
              <Text className='hl-scope__picker-arrow'>▾</Text>
            </View>
          </Picker>
        ) : (
          <Text className='hl-scope__fixed'>{places[0]?.name ?? ''}</Text>
        )}
      </View>
      <View className='hl-scope__chips'>
        {presets.map((p) => (
          <Text
            key={p.key}
            className={`hl-scope__chip${p.from === from && p.to === to ? ' hl-scope__chip--on' : ''}`}
            onClick={() => onChange({ communityId, from: p.from, to: p.to })}
          >
            {p.label}
          </Text>
        ))}
      </View>
      <View className='hl-scope__row'>
        <Text className='hl-scope__caption'>统计期</Text>
        <Picker mode='date' value={from} end={to} onChange={(e) => onChange({ communityId, from: String(e.detail.value), to })}>
          <Text className='hl-scope__date'>{from}</Text>
        </Picker>
        <Text className='hl-scope__to'>至</Text>
        <Picker mode='date' value={to} start={from} onChange={(e) => onChange({ communityId, from, to: String(e.detail.value) })}>
          <Text className='hl-scope__date'>{to}</Text>
        </Picker>
      </View>
    </View>
  )
}
