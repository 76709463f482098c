import type { ReactNode } from 'react'
import { Text, View } from '@tarojs/components'
import type { ReplyError } from '@contracts/reply'
import { BigButton } from './BigButton'
import './States.scss'

export function LoadingState({ text = '正在加载…' }: { text?: string }) {
  return (
    <View className='hl-state'>
      <View className='hl-state__spinner' />
      <Text className='hl-state__title'>{text}</Text>
    </View>
  )
}

export interface EmptyStateProps {
  title: string
  description?: string
  children?: ReactNode
}

export function EmptyState({ title, description, children }: EmptyStateProps) {
  return (
    <View className='hl-state'>
      <View className='hl-state__icon'>
        <Text className='hl-state__icon-text'>红</Text>
      </View>
      <Text className='hl-state__title'>{title}</Text>
      {description ? <Text className='hl-state__desc'>{description}</Text> : null}
      {children ? <View className='hl-state__actions'>{children}</View> : null}
    </View>
  )
}

export interface ErrorStateProps {
  /** The reply's error: its Chinese message is shown as is. */
  error: Pick<ReplyError, 'message'> & Partial<ReplyError>
  onRetry?: () => void
  children?: ReactNode
}

export function ErrorState({ error, onRetry, children }: ErrorStateProps) {
  return (
    <View className='hl-state hl-state--error'>
      <View className='hl-state__icon hl-state__icon--error'>
        <Text className='hl-state__icon-text'>!</Text>
      </View>
      <Text className='hl-state__title'>{error.message}</Text>
      {onRetry || children ? (
        <View className='hl-state__actions'>
          {onRetry ? <BigButton onClick={onRetry}>重试</BigButton> : null}
          {children}
        </View>
      ) : null}
    </View>
  )
}
