import { useState } from 'react'
import { Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { BigButton, PageContainer, Section } from '@/components'
import { CareSwitch, useOverview } from '@/features/overview'
import { activitiesApi } from '@/features/volunteer'
import { requestNoticeSubscription } from '@/features/notices'
import { useRequirePersona } from '@/features/session'
import { go } from '@/services/navigate'
import { routes } from '@/services/routes'
import '@/features/overview/overview.scss'
import '../mine.scss'

const toast = (title: string) => void Taro.showToast({ title, icon: 'none', duration: 2500 })

/** 我的 → 消息设置: 关怀模式, reminders of important notices, appearing by name in the ranking. */
export default function SettingsPage() {
  const hasPersona = useRequirePersona(routes.mineSettings)
  // Whether I am a volunteer, and my ranking choice: users.overview (already in the main package).
  const mine = useOverview(hasPersona)
  const [optIn, setOptIn] = useState<boolean>()
  const [busy, setBusy] = useState(false)
  const settings = mine.data?.settings
  const shown = optIn ?? settings?.rankingOptIn ?? false

  const subscribe = () => {
    // Directly in the tap handler: WeChat shows the prompt only there.
    void requestNoticeSubscription().then((res) => {
      if (!res) toast('您未同意订阅')
      else if (res.ok) toast(`已订阅，可再提醒您 ${res.credits} 次`)
      else toast(res.message)
    })
  }

  const toggleRanking = async () => {
    const next = !shown
    if (next) {
      const { confirm } = await Taro.showModal({ title: '在排行榜上显示姓名', content: '开启后，本社区志愿服务排行榜上会显示您的姓名和志愿者编号，可随时关闭。', confirmText: '开启', cancelText: '不开启' })
      if (!confirm) return
    }
    setBusy(true)
    const reply = await activitiesApi.setPreferences({ rankingOptIn: next })
    setBusy(false)
    if (!reply.ok) return toast(reply.error.message)
    setOptIn(reply.data.rankingOptIn)
    toast(reply.data.rankingOptIn ? '已在排行榜上显示您的姓名' : '已改为匿名显示')
  }

  return (
    <PageContainer>
      <Section title='显示'>
        <CareSwitch />
      </Section>
      <Section title='消息提醒'>
        <View className='ov-row' hoverClass='ov-row--pressed' data-testid='subscribe-notices' onClick={subscribe}>
          <View className='ov-row__main'>
            <Text className='ov-row__title'>重要通知提醒</Text>
            <Text className='ov-row__desc'>有重要通知时，通过微信提醒我</Text>
          </View>
          <Text className='ov-row__value ov-row__value--alert'>订阅</Text>
        </View>
        <Text className='ms-note'>微信规定：每同意一次，可以提醒您一次。报事和心愿的进展，在提交时会询问是否提醒。</Text>
      </Section>
      <Section title='志愿服务排行榜'>
        {settings?.volunteer ? (
          <View>
            <View className='ov-row' hoverClass='ov-row--pressed' data-testid='ranking-switch' aria-role='switch' aria-checked={shown} onClick={() => void toggleRanking()}>
              <View className='ov-row__main'>
                <Text className='ov-row__title'>显示我的姓名</Text>
                <Text className='ov-row__desc'>{shown ? '排行榜上显示您的姓名和编号' : '关闭时显示为“匿名志愿者”'}</Text>
              </View>
              <View className={shown ? 'ov-switch ov-switch--on' : 'ov-switch'}>
                <Text className='ov-switch__text'>{busy ? '…' : shown ? '已开启' : '已关闭'}</Text>
              </View>
            </View>
          </View>
        ) : mine.error ? (
          <View>
            <Text className='ms-note'>{mine.error.message}</Text>
            <View className='ov-link' onClick={() => void mine.reload()}>重新加载</View>
          </View>
        ) : (
          <Text className='ms-note'>{settings ? '您还没有登记为志愿者。第一次报名志愿活动时登记后，可以在这里设置。' : '正在加载…'}</Text>
        )}
      </Section>
      <View className='ms-buttons'>
        <BigButton fill='outline' onClick={() => go('mine')}>返回我的</BigButton>
      </View>
    </PageContainer>
  )
}
