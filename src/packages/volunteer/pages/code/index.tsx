import { useEffect, useRef, useState } from 'react'
import { Text, View } from '@tarojs/components'
import { useRouter } from '@tarojs/taro'
import { BigButton, ErrorState, LoadingState, PageContainer } from '@/components'
import type { ActivityDetail, CheckinCode } from '@contracts/activities'
import type { ReplyError } from '@contracts/reply'
import { activitiesApi, keepScreenOn, QrBox, rangeLabel, Stats } from '@/features/volunteer'
import { useRequirePersona } from '@/features/session'
import { go } from '@/services/navigate'
import { urlOf } from '@/services/routes'
import '@/features/volunteer/components/volunteer-pages.scss'
import '../volunteer.scss'

/** A new code well before the old one (valid 60 s) expires, so a scan in progress still succeeds. */
const REFRESH_SECONDS = 30

/**
 * The organiser's phone on site: a rotating check-in QR (a signed token valid at most 60 seconds,
 * so a photo of it sent to someone at home is useless a minute later), refreshed every 30 seconds,
 * with the live count of who has checked in.
 */
export default function CheckinCodePage() {
  const id = useRouter().params.id ?? ''
  const hasPersona = useRequirePersona(urlOf('volunteerCode', { id }))
  const [code, setCode] = useState<CheckinCode>()
  const [activity, setActivity] = useState<ActivityDetail>()
  const [error, setError] = useState<ReplyError>()
  const [age, setAge] = useState(0)
  const timer = useRef<ReturnType<typeof setInterval>>()

  const refresh = async () => {
    const [c, a] = await Promise.all([activitiesApi.checkinCode({ activityId: id }), activitiesApi.get({ activityId: id })])
    if (!c.ok) {
      setError(c.error)
      return
    }
    setError(undefined)
    setCode(c.data)
    setAge(0)
    if (a.ok) setActivity(a.data)
  }

  useEffect(() => {
    if (!hasPersona) return
    keepScreenOn(true)
    void refresh()
    let seconds = 0
    timer.current = setInterval(() => {
      seconds++
      setAge((s) => s + 1)
      if (seconds % REFRESH_SECONDS === 0) void refresh()
    }, 1000)
    return () => {
      keepScreenOn(false)
      if (timer.current) clearInterval(timer.current)
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [hasPersona, id])

  if (!hasPersona) return <PageContainer><LoadingState /></PageContainer>
  if (error && !code) return <PageContainer><ErrorState error={error} onRetry={() => void refresh()} /></PageContainer>
  if (!code) return <PageContainer><LoadingState text='正在生成签到码…' /></PageContainer>
  return (
    <PageContainer>
      {activity ? (
        <View>
          <Text className='vp__head'>{activity.title}</Text>
          <Text className='vp__sub'>{rangeLabel(activity.start, activity.end)} · {activity.place.name}</Text>
        </View>
      ) : null}
      <QrBox src={code.qr} caption='已报名的志愿者请用“红邻”扫码签到；服务结束时再扫一次签退' code={code.token} />
      <Text className='vp__countdown'>签到码每{REFRESH_SECONDS}秒自动更新（{Math.max(0, REFRESH_SECONDS - (age % REFRESH_SECONDS))}秒后）</Text>
      {error ? <Text className='vt-notice vt-notice--error'>{error.message}</Text> : null}
      <View className='vp__gap' />
      {activity?.stats ? (
        <Stats
          items={[
            { label: '已签到', value: activity.stats.checkedIn },
            { label: '已签退', value: activity.stats.checkedOut },
            { label: '报名人数', value: activity.confirmedCount }
          ]}
        />
      ) : null}
      <View className='vp__buttons'>
        <BigButton fill='outline' onClick={() => go('volunteerScan', { id })}>
          为没有手机的志愿者扫码代签
        </BigButton>
        <Text className='vp__buttons-item vp__muted'>未报名的人扫此码不能签到；确在现场参加的，请扫其志愿者码，按现场报名登记。</Text>
      </View>
    </PageContainer>
  )
}
