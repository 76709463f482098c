import { useState } from 'react'
import { Text, View } from '@tarojs/components'
import Taro, { usePullDownRefresh } from '@tarojs/taro'
import type { DeskSession } from '@contracts/auth'
import { BigButton, EmptyState, ErrorState, LoadingState, PageContainer, Section } from '@/components'
import { authApi, browserName } from '@/features/desk'
import { useRequirePersona } from '@/features/session'
import { usePaged } from '@/services/cloud/usePaged'
import { go } from '@/services/navigate'
import { routes } from '@/services/routes'
import { shortDateTime } from '@/services/time'
import '../mine.scss'

const toast = (title: string) => void Taro.showToast({ title, icon: 'none', duration: 2500 })

/** 我的 → 登录设备: the PCs signed in to the back office as me; each can be signed out from here. */
export default function DevicesPage() {
  const hasPersona = useRequirePersona(routes.mineDevices)
  const list = usePaged<DeskSession>((page) => authApi.mySessions({ page, pageSize: 20 }), [], hasPersona)
  const [busy, setBusy] = useState<string>()
  usePullDownRefresh(() => {
    void list.reload().finally(() => Taro.stopPullDownRefresh())
  })

  const revoke = async (s: DeskSession) => {
    const { confirm } = await Taro.showModal({
      title: '让这台电脑退出登录？',
      content: `${browserName(s.client.ua)}${s.client.ip ? `（IP ${s.client.ip}）` : ''}将退出管理后台，再用需要重新扫码。`,
      confirmText: '退出登录',
      cancelText: '不退出'
    })
    if (!confirm) return
    setBusy(s.sid)
    const reply = await authApi.deskRevoke({ sid: s.sid })
    setBusy(undefined)
    if (!reply.ok) return toast(reply.error.message)
    toast('已退出登录')
    void list.reload()
  }

  let body
  if (!hasPersona || (list.loading && !list.items.length)) body = <LoadingState />
  else if (list.error && !list.items.length) body = <ErrorState error={list.error} onRetry={() => void list.reload()} />
  else if (!list.items.length) {
    body = (
      <EmptyState title='没有在电脑上登录' description='在电脑上打开红邻管理后台，用小程序扫码即可登录。'>
        <BigButton fill='outline' onClick={() => go('mine')}>返回我的</BigButton>
      </EmptyState>
    )
  } else {
    body = (
      <Section title='已登录的电脑' subtitle={`${list.total} 台`}>
        {list.items.map((s) => (
          <View key={s.sid} className='ms-device' data-testid='desk-device'>
            <Text className='ms-device__name'>
              {browserName(s.client.ua)}
              {s.current ? <Text className='ms-device__current'>（当前）</Text> : null}
            </Text>
            <Text className='ms-device__line'>IP 地址：{s.client.ip || '未知'}</Text>
            <Text className='ms-device__line'>登录时间：{s.confirmedAt ? shortDateTime(s.confirmedAt) : '—'}</Text>
            <Text className='ms-device__line'>最近使用：{s.lastSeenAt ? shortDateTime(s.lastSeenAt) : '—'}</Text>
            <View className='ms-device__action'>
              <BigButton fill='outline' loading={busy === s.sid} disabled={Boolean(busy)} onClick={() => void revoke(s)}>
                退出登录
              </BigButton>
            </View>
          </View>
        ))}
        {list.hasMore ? <View className='ov-link' onClick={() => void list.more()}>加载更多</View> : null}
      </Section>
    )
  }
  return <PageContainer>{body}</PageContainer>
}
