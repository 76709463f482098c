import type { ReactNode } from 'react'
import { Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import type { ReplyError } from '@contracts/reply'
import { routes, TAB_ROUTES } from '@/services/routes'
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

const TAB_PATHS = TAB_ROUTES.map((name) => routes[name].slice(1))

/** The current page's path without the leading slash or query (weapp and H5 spell it differently). */
function currentRoute(): string {
  const pages = Taro.getCurrentPages()
  return pathOf(pages[pages.length - 1])
}

/** A page's path without the leading slash or query (weapp: `route`; H5: `$taroPath`). */
export function pathOf(page: unknown): string {
  const p = page as { route?: string; $taroPath?: string } | undefined
  return (p?.route ?? p?.$taroPath ?? '').replace(/^\//, '').split('?')[0]
}

/** Where "back" leads: the previous page when there is one; 首页 when this page was opened first (a link, a QR code, a message). */
export function wayBack(): 'back' | 'home' | null {
  if (Taro.getCurrentPages().length > 1) return 'back'
  return TAB_PATHS.includes(currentRoute()) ? null : 'home'
}

export function goBackOrHome(): void {
  if (wayBack() === 'back') Taro.navigateBack().catch(() => Taro.switchTab({ url: routes.home }).catch(() => {}))
  else Taro.switchTab({ url: routes.home }).catch(() => {})
}

/**
 * The way on from a dead end: 返回 to the previous page, or 回首页 when the page was opened first.
 * Nothing on a tab page opened first (the tab bar is there).
 */
export function WayOn({ primary }: { primary?: boolean }) {
  const way = wayBack()
  if (!way) return null
  return (
    <View className='hl-state__way' data-testid='way-on'>
      <BigButton fill={primary ? 'solid' : 'outline'} onClick={goBackOrHome}>
        {way === 'back' ? '返回' : '回首页'}
      </BigButton>
    </View>
  )
}

export interface EmptyStateProps {
  title: string
  description?: string
  /** The state's own way on (e.g. 我要报事). Without one, 返回/回首页 is offered unless `wayOn` is false. */
  children?: ReactNode
  /** false: the page around it already leads on (filters, a button beside the list). */
  wayOn?: boolean
}

export function EmptyState({ title, description, children, wayOn }: EmptyStateProps) {
  const showWay = wayOn ?? !children
  return (
    <View className='hl-state'>
      <View className='hl-state__icon'>
        <Text className='hl-state__icon-text'>红</Text>
      </View>
      <Text className='hl-state__title'>{title}</Text>
      {description ? <Text className='hl-state__desc'>{description}</Text> : null}
      {children || showWay ? (
        <View className='hl-state__actions'>
          {children}
          {showWay ? <WayOn /> : null}
        </View>
      ) : null}
    </View>
  )
}

export interface ErrorStateProps {
  /** The reply's error: its Chinese message is shown as is. */
  error: Pick<ReplyError, 'message'> & Partial<ReplyError>
  /** Offered as 重试, except for a record that is missing or not the viewer's (retrying cannot help). */
  onRetry?: () => void
  children?: ReactNode
}

const GONE_HINT: Partial<Record<ReplyError['code'], string>> = {
  NOT_FOUND: '可能已被删除或您没有查看权限',
  FORBIDDEN: '您没有查看权限，如有疑问请联系社区工作人员'
}

/** An error with its message, why (for a missing or forbidden record), 重试 when it may help, and always a way on. */
export function ErrorState({ error, onRetry, children }: ErrorStateProps) {
  const hint = error.code ? GONE_HINT[error.code] : undefined
  const retry = hint ? undefined : onRetry
  return (
    <View className='hl-state hl-state--error' data-testid='error-state'>
      <View className='hl-state__icon hl-state__icon--error'>
        <Text className='hl-state__icon-text'>!</Text>
      </View>
      <Text className='hl-state__title'>{error.message}</Text>
      {hint ? <Text className='hl-state__desc'>{hint}</Text> : null}
      <View className='hl-state__actions'>
        {retry ? <BigButton onClick={retry}>重试</BigButton> : null}
        {children}
        <WayOn primary={!retry && !children} />
      </View>
    </View>
  )
}
