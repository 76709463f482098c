import { useCallback, useEffect, useState } from 'react'
import { Image, Swiper, SwiperItem, Text, View } from '@tarojs/components'
import Taro, { usePullDownRefresh, useRouter } from '@tarojs/taro'
import { ErrorState, LoadingState, PageContainer, Section } from '@/components'
import { ACTIVITY_PHASE_LABELS, type ActivitySummary } from '@contracts/activities'
import { OPEN_CENTER_STATUSES, type CenterDetail } from '@contracts/centers'
import type { ReplyError } from '@contracts/reply'
import { centerEventsApi, centersApi, CenterStatusTag, dayLabel, durationLabel, Tag, timeOf } from '@/features/centers'
import { useRequirePersona } from '@/features/session'
import { go } from '@/services/navigate'
import { routes } from '@/services/routes'
import '@/features/centers/components/centers-pages.scss'

/** One centre: where and when it is open, its rooms (tap one to see free slots) and its events. */
export default function CenterPage() {
  const id = useRouter().params.id ?? ''
  const hasPersona = useRequirePersona(`${routes.centersDetail}?id=${id}`)
  const [center, setCenter] = useState<CenterDetail>()
  const [error, setError] = useState<ReplyError>()
  const [events, setEvents] = useState<ActivitySummary[]>()

  const load = useCallback(async () => {
    const [c, e] = await Promise.all([centersApi.get({ centerId: id }), centerEventsApi.list(id)])
    Taro.stopPullDownRefresh()
    if (!c.ok) return setError(c.error)
    setError(undefined)
    setCenter(c.data)
    Taro.setNavigationBarTitle({ title: c.data.name }).catch(() => {})
    setEvents(e.ok ? e.data.items : [])
  }, [id])

  useEffect(() => {
    if (hasPersona && id) void load()
  }, [hasPersona, id, load])
  usePullDownRefresh(() => void load())

  if (!id) return <PageContainer><ErrorState error={{ code: 'NOT_FOUND', message: '未找到该邻里中心' }} /></PageContainer>
  if (!hasPersona || (!center && !error)) return <PageContainer><LoadingState /></PageContainer>
  if (error || !center) return <PageContainer><ErrorState error={error!} onRetry={() => void load()} /></PageContainer>

  const open = OPEN_CENTER_STATUSES.includes(center.status)
  const call = () => center.phone && Taro.makePhoneCall({ phoneNumber: center.phone.replace(/-/g, '') }).catch(() => {})
  const navigate = () =>
    center.location &&
    Taro.openLocation({ latitude: center.location.latitude, longitude: center.location.longitude, name: center.name, address: center.address, scale: 17 }).catch(() => {})

  return (
    <PageContainer>
      {center.photos.length ? (
        <Swiper className='ct-photos' indicatorDots={center.photos.length > 1} circular>
          {center.photos.map((p) => (
            <SwiperItem key={p}>
              <Image className='ct-photos__img' src={p} mode='aspectFill' onClick={() => void Taro.previewImage({ urls: center.photos, current: p }).catch(() => undefined)} />
            </SwiperItem>
          ))}
        </Swiper>
      ) : null}
      <View className='ct-hero'>
        <Text className='ct-hero__title'>{center.name}</Text>
        <View className='ct-hero__tags'>
          <CenterStatusTag status={center.status} />
          {center.ownCommunity ? <Tag>本社区</Tag> : null}
        </View>
        <Text className='ct-hero__line'>{[center.communityName, center.gridName].filter(Boolean).join(' · ')}</Text>
        <Text className='ct-hero__line' onClick={navigate}>地址：{center.address}{center.location ? '（点此导航）' : ''}</Text>
        <Text className='ct-hero__line'>开放时间：{center.hoursText}</Text>
        {center.phone ? <Text className='ct-hero__line hl-tap' onClick={call}>联系电话：{center.phone}（点此拨打）</Text> : null}
      </View>
      {center.description ? <Text className='ct-line ct-intro'>{center.description}</Text> : null}

      {center.canManage ? (
        <View className='ct-actions'>
          <View className='ct-btn' onClick={() => go('centersBookingReview', { centerId: center.id })}>今日预约与审核</View>
          <View className='ct-btn ct-btn--light' onClick={() => go('centersManage', { id: center.id })}>中心与活动室管理</View>
        </View>
      ) : null}

      <Section title='活动室' subtitle={open ? '点选活动室，查看空闲时段并预约' : '中心建成开放后可预约'}>
        {center.rooms.length === 0 ? <Text className='ct-line ct-line--muted'>暂无可预约的活动室</Text> : null}
        {center.rooms.map((r) => (
          <View key={r.id} className='ct-room' hoverClass='ct-card--pressed' onClick={() => open && go('centersRoom', { id: r.id })} data-room={r.name}>
            <View className='ct-row ct-row--between'>
              <Text className='ct-room__name'>{r.name}</Text>
              {open && r.active ? <Text className='ct-room__go'>预约 ›</Text> : <Tag tone='off'>暂停预约</Tag>}
            </View>
            <View className='ct-row ct-row--wrap'>
              <Tag>{`可容纳${r.capacity}人`}</Tag>
              <Tag>{`每段${durationLabel(r.slotMinutes)}`}</Tag>
              <Tag tone={r.needsApproval ? 'wait' : 'ok'}>{r.needsApproval ? '需审核' : '免审核'}</Tag>
            </View>
            {r.facilities.length ? <Text className='ct-line ct-line--muted'>设施：{r.facilities.join('、')}</Text> : null}
          </View>
        ))}
      </Section>

      <Section title='近期活动' subtitle='讲座、政策宣讲、邻里活动'>
        {center.canManage && open ? (
          <View className='ct-actions ct-events-add'>
            <View className='ct-btn ct-btn--light' onClick={() => go('volunteerEdit', { kind: 'event', centerId: center.id })}>在本中心发布活动</View>
          </View>
        ) : null}
        {events === undefined ? (
          <Text className='ct-line ct-line--muted'>正在加载…</Text>
        ) : events.length === 0 ? (
          <Text className='ct-line ct-line--muted'>近期没有安排活动，敬请关注</Text>
        ) : (
          events.map((e) => (
            <View key={e._id} className='ct-room' onClick={() => go('volunteerDetail', { id: e._id })}>
              <View className='ct-row ct-row--between'>
                <Text className='ct-room__name'>{e.title}</Text>
                <Text className='ct-room__go'>{e.phase === 'open' && !e.mySignUp ? '报名 ›' : '查看 ›'}</Text>
              </View>
              <Text className='ct-line'>{dayLabel(e.start)} {timeOf(e.start)}-{timeOf(e.end)}</Text>
              <View className='ct-row ct-row--wrap'>
                <Tag tone={e.phase === 'open' ? 'ok' : 'off'}>{ACTIVITY_PHASE_LABELS[e.phase]}</Tag>
                <Tag>{e.placesLeft > 0 ? `剩余${e.placesLeft}个名额` : `已满，候补${e.waitingCount}人`}</Tag>
                {e.mySignUp ? <Tag tone='done'>{e.mySignUp.status === 'waiting' ? '我在候补' : '我已报名'}</Tag> : null}
              </View>
            </View>
          ))
        )}
      </Section>
    </PageContainer>
  )
}
