import { Text, View } from '@tarojs/components'
import './tickets.scss'

export const RATING_WORDS = ['', '很不满意', '不满意', '一般', '满意', '非常满意']

/** 1–5 stars: large tappable ones for rating, small ones for showing a rating. */
export function Stars({ value, onChange, small }: { value: number; onChange?: (value: number) => void; small?: boolean }) {
  return (
    <View className='tk-stars' aria-label={`${value}星`}>
      {[1, 2, 3, 4, 5].map((n) => (
        <Text
          key={n}
          className={`tk-stars__star${n <= value ? ' tk-stars__star--on' : ''}${small ? ' tk-stars__star--small' : ''}`}
          onClick={onChange ? () => onChange(n) : undefined}
          data-star={n}
        >
          ★
        </Text>
      ))}
      {onChange && value ? <Text className='tk-stars__label'>{RATING_WORDS[value]}</Text> : null}
    </View>
  )
}
