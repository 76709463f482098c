import { useCallback, useEffect, useRef, useState } from 'react'
import { Text, View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh, useReachBottom } from '@tarojs/taro'
import { ActionGrid, BigButton, EmptyState, ErrorState, LoadingState, PageContainer, Section } from '@/components'
import type { BookingView, CenterSummary } from '@contracts/centerList'
import type { ReplyError } from '@contracts/reply'
import { BookingCard, centersApi, CenterCard, Chips, currentLocation, dayKey } from '@/features/centers/tab'
import { hasRole, useMe, useRequirePersona } from '@/features/session'
import { go } from '@/services/navigate'
import { routes } from '@/services/routes'

const PAGE_SIZE = 10
type Filter = 'open' | 'all' | 'near'
const FILTERS: { value: Filter; label: string }[] = [
  { value: 'open', label: '可预约' },
  { value: 'near', label: '离我最近' },
  { value: 'all', label: '全部中心' }
]

/**
 * 邻里中心 tab: my next booking, the staff's shortcuts, and the district's centres — my
 * community's first (or nearest first) — each leading to its rooms and events.
 */
export default function CentersPage() {
  const hasPersona = useRequirePersona(routes.centers)
  const { me } = useMe({ enabled: hasPersona })
  const [filter, setFilter] = useState<Filter>('open')
  const [near, setNear] = useState<{ latitude: number; longitude: number } | null>(null)
  const [items, setItems] = useState<CenterSummary[]>([])
  const [total, setTotal] = useState(0)
  const [page, setPage] = useState(1)
  const [loading, setLoading] = useState(true)
  const [error, setError] = useState<ReplyError>()
  const [next, setNext] = useState<{ booking?: BookingView; count: number; suspendedUntil?: string }>()
  const [pending, setPending] = useState<number>()
  const seq = useRef(0)
  const staff = hasRole(me, 'staff') || hasRole(me, 'district_admin')

  const load = useCallback(
    async (nextPage: number) => {
      const mine = ++seq.current
      setLoading(true)
      const reply = await centersApi.list({ page: nextPage, pageSize: PAGE_SIZE, status: filter === 'all' ? 'all' : 'open', near: filter === 'near' && near ? near : undefined })
      if (mine !== seq.current) return
      setLoading(false)
      Taro.stopPullDownRefresh()
      if (!reply.ok) return setError(reply.error)
      setError(undefined)
      setItems((prev) => (nextPage === 1 ? reply.data.items : [...prev, ...reply.data.items]))
      setTotal(reply.data.total)
      setPage(nextPage)
    },
    [filter, near]
  )

  const loadMine = useCallback(async () => {
    const reply = await centersApi.myBookings({ scope: 'upcoming', pageSize: 1 })
    if (reply.ok) setNext({ booking: reply.data.items[0], count: reply.data.total, suspendedUntil: reply.data.suspendedUntil })
  }, [])
  const loadPending = useCallback(async () => {
    const reply = await centersApi.bookings({ status: 'pending', pageSize: 1 })
    if (reply.ok) setPending(reply.data.total)
  }, [])

  useEffect(() => {
    if (hasPersona) void load(1)
  }, [hasPersona, load])
  useEffect(() => {
    if (staff) void loadPending()
  }, [staff, loadPending])
  useDidShow(() => {
    if (hasPersona) void loadMine()
    if (staff) void loadPending()
  })
  usePullDownRefresh(() => {
    void load(1)
    void loadMine()
  })
  useReachBottom(() => {
    if (!loading && items.length < total) void load(page + 1)
  })

  const choose = async (value: Filter) => {
    if (value === 'near' && !near) {
      const here = await currentLocation()
      if (!here) {
        Taro.showToast({ title: '无法获取位置，已按本社区优先排列', icon: 'none', duration: 2500 })
        return setFilter('open')
      }
      setNear(here)
    }
    setFilter(value)
  }

  if (!hasPersona) return <PageContainer><LoadingState text='请先选择演示身份…' /></PageContainer>

  return (
    <PageContainer>
      {next?.suspendedUntil ? (
        <View className='ct-banner ct-banner--bad'>
          <Text className='ct-banner__text'>因多次预约后未到场签到，{dayKey(next.suspendedUntil)} 前暂停预约</Text>
        </View>
      ) : null}
      <Section title='我的预约' subtitle={next?.count ? `${next.count}个即将开始` : undefined}>
        {next?.booking ? (
          <BookingCard booking={next.booking}>
            <View className='ct-btn ct-btn--light' onClick={() => go('centersMine')}>全部预约</View>
            {next.booking.canCheckIn ? <View className='ct-btn' onClick={() => go('centersCheckIn')}>到场签到</View> : null}
          </BookingCard>
        ) : (
          <View>
            <Text className='ct-line ct-line--muted'>还没有即将开始的预约。选择下面的邻里中心，看看哪个活动室有空。</Text>
            <View className='ct-actions'>
              <View className='ct-btn ct-btn--light' onClick={() => go('centersMine')}>查看历史预约</View>
            </View>
          </View>
        )}
      </Section>

      {staff ? (
        <Section title='中心管理' subtitle={me?.profile.communityName}>
          <ActionGrid
            actions={[
              { key: 'review', label: '预约审核', badge: '审', hint: pending ? `${pending}条待审核` : '今日预约', onClick: () => go('centersBookingReview') },
              { key: 'stats', label: '使用统计', badge: '率', hint: '导出报表', onClick: () => go('centersStats') },
              { key: 'fund', label: '资金台账', badge: '资', hint: '补助与奖励', onClick: () => go('centersFund') },
              { key: 'checkin', label: '扫码签到', badge: '签', hint: '到场核验', onClick: () => go('centersCheckIn') },
              // Entering a new centre into the building plan is the district's call (it books the subsidy).
              ...(hasRole(me, 'district_admin') ? [{ key: 'new', label: '新建邻里中心', badge: '新', hint: '列入建设计划', onClick: () => go('centersEdit') }] : [])
            ]}
          />
        </Section>
      ) : null}

      <View className='ct-section-gap' />
      <Chips options={FILTERS} value={filter} onChange={(v) => void choose(v)} />
      {error && !items.length ? (
        <ErrorState error={error} onRetry={() => void load(1)} />
      ) : loading && !items.length ? (
        <LoadingState />
      ) : !items.length ? (
        <EmptyState title='暂时没有邻里中心' description='建成开放后会显示在这里' />
      ) : (
        <View>
          <Text className='ct-line ct-line--muted'>
            {filter === 'all' ? `全区规划建设${total}个"党建+邻里中心"` : `共${total}个中心开放预约`}
          </Text>
          <View className='ct-list'>
            {items.map((c) => (
              <CenterCard key={c.id} center={c} onClick={() => go('centersDetail', { id: c.id })} />
            ))}
          </View>
          {items.length < total ? (
            <BigButton fill='outline' loading={loading} onClick={() => void load(page + 1)}>
              加载更多
            </BigButton>
          ) : null}
        </View>
      )}
    </PageContainer>
  )
}
