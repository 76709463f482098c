import { Text, View } from '@tarojs/components'
import './ActionGrid.scss'

export interface ActionItem {
  key: string
  label: string
  /** One character shown in the round badge, e.g. "报". */
  badge: string
  /** A short hint under the label. */
  hint?: string
  onClick: () => void
}

/** Big two-column action tiles: the main way to get things done on a phone. */
export function ActionGrid({ actions }: { actions: ActionItem[] }) {
  return (
    <View className='hl-actions'>
      {actions.map((a, i) => (
        <View
          key={a.key}
          // An odd last tile spans the row, so a lone label never wraps mid-word.
          className={i === actions.length - 1 && actions.length % 2 === 1 ? 'hl-action hl-action--wide' : 'hl-action'}
          hoverClass='hl-action--pressed'
          onClick={a.onClick}
        >
          <View className='hl-action__badge'>
            <Text className='hl-action__badge-text'>{a.badge}</Text>
          </View>
          <View className='hl-action__text'>
            <Text className='hl-action__label'>{a.label}</Text>
            {a.hint ? <Text className='hl-action__hint'>{a.hint}</Text> : null}
          </View>
        </View>
      ))}
    </View>
  )
}
