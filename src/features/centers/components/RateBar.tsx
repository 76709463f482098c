import { Text, View } from '@tarojs/components'
import { percent } from '../format'
import './centers.scss'
import './centers-pages.scss'

/** A labelled utilisation bar: booked and event hours of open hours. */
export function RateBar({ label, rate, detail }: { label: string; rate: number; detail: string }) {
  return (
    <View className='ct-rate'>
      <View className='ct-row ct-row--between'>
        <Text className='ct-rate__label'>{label}</Text>
        <Text className='ct-rate__value'>{percent(rate)}</Text>
      </View>
      <View className='ct-rate__track'>
        <View className='ct-rate__fill' style={{ width: `${Math.min(100, Math.round(rate * 100))}%` }} />
      </View>
      <Text className='ct-line ct-line--muted'>{detail}</Text>
    </View>
  )
}
