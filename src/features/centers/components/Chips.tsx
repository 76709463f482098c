import { Text, View } from '@tarojs/components'
import './centers.scss'

export interface ChipOption<T extends string> {
  value: T
  label: string
}

/** Large single-choice chips (filters, tabs, quick picks). */
export function Chips<T extends string>({ options, value, onChange }: { options: ChipOption<T>[]; value?: T; onChange: (value: T) => void }) {
  return (
    <View className='ct-chips'>
      {options.map((o) => (
        <View key={o.value} className={o.value === value ? 'ct-chip ct-chip--on' : 'ct-chip'} onClick={() => onChange(o.value)} aria-selected={o.value === value}>
          <Text>{o.label}</Text>
        </View>
      ))}
    </View>
  )
}
