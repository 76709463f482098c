import { ScrollView, Text, View } from '@tarojs/components'
import './volunteer.scss'

export interface ChipOption<T extends string> {
  value: T
  label: string
}

/** Large tappable choices, one selected; `scroll` keeps a long list on one line that scrolls sideways. */
export function Chips<T extends string>({ options, value, onChange, scroll }: { options: ChipOption<T>[]; value: T; onChange: (value: T) => void; scroll?: boolean }) {
  const chips = (
    <View className={scroll ? 'vt-chips vt-chips--line' : 'vt-chips'}>
      {options.map((o) => (
        <View key={o.value} className={o.value === value ? 'vt-chip vt-chip--on' : 'vt-chip'} onClick={() => onChange(o.value)} aria-selected={o.value === value}>
          <Text>{o.label}</Text>
        </View>
      ))}
    </View>
  )
  return scroll ? (
    <ScrollView scrollX className='vt-chips-scroll' enhanced showScrollbar={false}>
      {chips}
    </ScrollView>
  ) : (
    chips
  )
}
