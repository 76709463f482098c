import { Text, View } from '@tarojs/components'
import './tickets.scss'

export interface ChipOption<T extends string> {
  value: T
  label: string
}

/** Large tappable choices (tabs and filters). */
export function Chips<T extends string>({ options, value, onChange }: { options: ChipOption<T>[]; value: T; onChange: (value: T) => void }) {
  return (
    <View className='tk-chips'>
      {options.map((o) => (
        <View key={o.value} className={o.value === value ? 'tk-chip tk-chip--on' : 'tk-chip'} onClick={() => onChange(o.value)} aria-selected={o.value === value}>
          <Text>{o.label}</Text>
        </View>
      ))}
    </View>
  )
}
