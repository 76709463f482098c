import { Text, View } from '@tarojs/components'
import './notices.scss'

export interface ChipOption<T extends string> {
  value: T
  label: string
}

/** Large tappable choices (one or several selected). */
export function Chips<T extends string>({ options, selected, onToggle }: { options: ChipOption<T>[]; selected: readonly T[]; onToggle: (value: T) => void }) {
  return (
    <View className='nt-chips'>
      {options.map((o) => {
        const on = selected.includes(o.value)
        return (
          <View key={o.value} className={on ? 'nt-chip nt-chip--on' : 'nt-chip'} onClick={() => onToggle(o.value)} aria-selected={on}>
            <Text>{o.label}</Text>
          </View>
        )
      })}
    </View>
  )
}
