import { Text, View } from '@tarojs/components'
import './Check.scss'

/** A large checkbox row: a consent, an option (the whole row is the target). */
export function Check({ checked, onChange, children }: { checked: boolean; onChange: (checked: boolean) => void; children: string }) {
  return (
    <View className='hl-check' onClick={() => onChange(!checked)} aria-checked={checked} role='checkbox'>
      <Text className={checked ? 'hl-check__box hl-check__box--on' : 'hl-check__box'}>{checked ? '✓' : ''}</Text>
      <Text className='hl-check__text'>{children}</Text>
    </View>
  )
}
