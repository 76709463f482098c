import type { ReactNode } from 'react'
import { Text, View } from '@tarojs/components'
import { WayOn } from './States'
import './States.scss'

export interface SuccessStateProps {
  title: string
  /** What happens next (who looks at it, when the person hears back). */
  description?: ReactNode
  /** The next steps (查看详情…); 返回 or 回首页 follows them. */
  children?: ReactNode
}

/**
 * Replaces a form once its job is done, so the filled form and its submit button are gone.
 * Imported by path (not through the barrel): only subpackage pages use it, so it stays out of the
 * mini-program's main package.
 */
export function SuccessState({ title, description, children }: SuccessStateProps) {
  return (
    <View className='hl-state hl-state--success' data-testid='success-state'>
      <View className='hl-state__icon hl-state__icon--success'>
        <Text className='hl-state__icon-text hl-state__icon-text--success'>✓</Text>
      </View>
      <Text className='hl-state__title'>{title}</Text>
      {typeof description === 'string' ? <Text className='hl-state__desc'>{description}</Text> : description}
      <View className='hl-state__actions'>
        {children}
        <WayOn />
      </View>
    </View>
  )
}
