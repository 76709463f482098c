import type { ReactNode } from 'react'
import { Text, View } from '@tarojs/components'

export function KeyValue({ k, children, action, onAction }: { k: string; children?: ReactNode; action?: string; onAction?: () => void }) {
  return (
    <View className='rg-kv'>
      <Text className='rg-kv__k'>{k}</Text>
      <Text className='rg-kv__v'>{children}</Text>
      {action ? (
        <Text className='rg-kv__action' onClick={onAction}>
          {action}
        </Text>
      ) : null}
    </View>
  )
}
