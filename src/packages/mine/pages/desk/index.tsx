import { useEffect, useState } from 'react'
import { Text, View } from '@tarojs/components'
import { useRouter } from '@tarojs/taro'
import type { DeskClient } from '@contracts/auth'
import { BigButton, ErrorState, LoadingState, PageContainer } from '@/components'
import { SuccessState } from '@/components/SuccessState'
import { authApi, browserName, scanErrorText } from '@/features/desk'
import { useRequirePersona } from '@/features/session'
import { go } from '@/services/navigate'
import { urlOf } from '@/services/routes'
import { timeOf } from '@/services/time'
import '../mine.scss'

type Step =
  | { step: 'loading' }
  | { step: 'confirm'; client: DeskClient; expiresAt: string }
  | { step: 'done' }
  | { step: 'cancelled' }
  | { step: 'error'; message: string }

/** The scene as it arrives: WeChat passes a mini-program code's scene URL-encoded in `scene`. */
function sceneOf(raw: string | undefined): string {
  if (!raw) return ''
  try {
    return decodeURIComponent(raw)
  } catch {
    return raw
  }
}

/**
 * The landing of the back office's QR code (scanned with the mini-program): who is signing in on
 * which PC, then 登录 or 取消. Two steps, large type; refusals in plain words (仅工作人员可登录管理后台,
 * 二维码已过期…).
 */
export default function DeskConfirmPage() {
  const scene = sceneOf(useRouter().params.scene)
  const hasPersona = useRequirePersona(urlOf('mineDesk', { scene }))
  const [view, setView] = useState<Step>({ step: 'loading' })
  const [busy, setBusy] = useState<'confirm' | 'cancel' | null>(null)

  useEffect(() => {
    if (!hasPersona) return
    let live = true
    void authApi.deskScan({ scene }).then((reply) => {
      if (!live) return
      setView(reply.ok ? { step: 'confirm', client: reply.data.client, expiresAt: reply.data.expiresAt } : { step: 'error', message: scanErrorText(reply.error) })
    })
    return () => {
      live = false
    }
  }, [hasPersona, scene])

  const answer = async (yes: boolean) => {
    setBusy(yes ? 'confirm' : 'cancel')
    const reply = yes ? await authApi.deskConfirm({ scene }) : await authApi.deskCancel({ scene })
    setBusy(null)
    if (!reply.ok) return setView({ step: 'error', message: scanErrorText(reply.error) })
    setView({ step: yes ? 'done' : 'cancelled' })
  }

  let body
  if (view.step === 'loading') body = <LoadingState text='正在读取二维码…' />
  else if (view.step === 'error') body = <ErrorState error={{ message: view.message }} />
  else if (view.step === 'done') {
    body = (
      <SuccessState title='已登录，可在电脑上操作' description='用完请在电脑上点“退出登录”。也可以在“我的 → 登录设备”里让电脑退出。'>
        <BigButton onClick={() => go('mineDevices')}>查看登录设备</BigButton>
      </SuccessState>
    )
  } else if (view.step === 'cancelled') {
    body = (
      <SuccessState title='已取消登录' description='电脑上不会登录。'>
        <BigButton onClick={() => go('mine')}>返回我的</BigButton>
      </SuccessState>
    )
  } else {
    body = (
      <View className='ms-desk' data-testid='desk-confirm'>
        <Text className='ms-desk__title'>在电脑上登录红邻管理后台？</Text>
        <View className='ms-desk__card'>
          <View className='ms-desk__row'>
            <Text className='ms-desk__label'>电脑浏览器</Text>
            <Text className='ms-desk__value'>{browserName(view.client.ua)}</Text>
          </View>
          <View className='ms-desk__row'>
            <Text className='ms-desk__label'>IP 地址</Text>
            <Text className='ms-desk__value'>{view.client.ip || '未知'}</Text>
          </View>
          <View className='ms-desk__row'>
            <Text className='ms-desk__label'>确认截止</Text>
            <Text className='ms-desk__value'>{timeOf(view.expiresAt)}</Text>
          </View>
        </View>
        <Text className='ms-note'>请确认这是您正在使用的电脑。登录后，在电脑上做的事都记在您的名下。</Text>
        <View className='ms-buttons'>
          <BigButton loading={busy === 'confirm'} disabled={busy !== null} onClick={() => void answer(true)}>
            登录
          </BigButton>
        </View>
        <View className='ms-buttons'>
          <BigButton fill='outline' loading={busy === 'cancel'} disabled={busy !== null} onClick={() => void answer(false)}>
            取消
          </BigButton>
        </View>
      </View>
    )
  }
  return <PageContainer>{body}</PageContainer>
}
