import { Text, View } from '@tarojs/components'
import './tickets.scss'

/** A large checkbox row. */
export function Check({ checked, onChange, children }: { checked: boolean; onChange: (checked: boolean) => void; children: string }) {
  return (
    <View className='tk-switch' onClick={() => onChange(!checked)} aria-checked={checked} role='checkbox'>
      <Text className={checked ? 'tk-switch__box tk-switch__box--on' : 'tk-switch__box'}>{checked ? '✓' : ''}</Text>
      <Text className='tk-switch__text'>{children}</Text>
    </View>
  )
}
