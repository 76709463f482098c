import { Text, View } from '@tarojs/components'
import './centers.scss'
import './centers-pages.scss'

/** A big − n + control for small numbers (attendees), easy for older hands. */
export function Stepper({ value, min = 1, max, onChange, unit }: { value: number; min?: number; max: number; onChange: (n: number) => void; unit?: string }) {
  const set = (n: number) => onChange(Math.max(min, Math.min(max, n)))
  return (
    <View className='ct-stepper'>
      <View className={value <= min ? 'ct-stepper__btn ct-stepper__btn--off' : 'ct-stepper__btn'} onClick={() => set(value - 1)} aria-label='减少'>
        <Text>－</Text>
      </View>
      <Text className='ct-stepper__value'>{value}{unit ?? ''}</Text>
      <View className={value >= max ? 'ct-stepper__btn ct-stepper__btn--off' : 'ct-stepper__btn'} onClick={() => set(value + 1)} aria-label='增加'>
        <Text>＋</Text>
      </View>
    </View>
  )
}
