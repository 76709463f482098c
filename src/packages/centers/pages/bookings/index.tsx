import { useCallback, useEffect, useRef, useState } from 'react'
import { Text, View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh, useReachBottom } from '@tarojs/taro'
import { BigButton, EmptyState, ErrorState, LoadingState, PageContainer } from '@/components'
import type { BookingView } from '@contracts/centers'
import type { ReplyError } from '@contracts/reply'
import { BookingCard, centersApi, Chips, rangeLabel, timeOf } from '@/features/centers'
import { useRequirePersona } from '@/features/session'
import { go } from '@/services/navigate'
import { routes } from '@/services/routes'

type Scope = 'upcoming' | 'past'
const SCOPES: { value: Scope; label: string }[] = [
  { value: 'upcoming', label: '即将开始' },
  { value: 'past', label: '历史预约' }
]
const PAGE_SIZE = 10

/** 我的预约: what is coming (cancel, check in) and what happened (with reasons). */
export default function MyBookingsPage() {
  const hasPersona = useRequirePersona(routes.centersMine)
  const [scope, setScope] = useState<Scope>('upcoming')
  const [items, setItems] = useState<BookingView[]>([])
  const [total, setTotal] = useState(0)
  const [page, setPage] = useState(1)
  const [suspendedUntil, setSuspendedUntil] = useState<string>()
  const [loading, setLoading] = useState(true)
  const [error, setError] = useState<ReplyError>()
  const [busy, setBusy] = useState<string>()
  const seq = useRef(0)

  const load = useCallback(
    async (nextPage: number) => {
      const mine = ++seq.current
      setLoading(true)
      const reply = await centersApi.myBookings({ scope, page: nextPage, pageSize: PAGE_SIZE })
      if (mine !== seq.current) return
      setLoading(false)
      Taro.stopPullDownRefresh()
      if (!reply.ok) return setError(reply.error)
      setError(undefined)
      setItems((prev) => (nextPage === 1 ? reply.data.items : [...prev, ...reply.data.items]))
      setTotal(reply.data.total)
      setPage(nextPage)
      setSuspendedUntil(reply.data.suspendedUntil)
    },
    [scope]
  )

  useEffect(() => {
    if (hasPersona) void load(1)
  }, [hasPersona, load])
  const shown = useRef(false)
  useDidShow(() => {
    if (shown.current && hasPersona) void load(1)
    shown.current = true
  })
  usePullDownRefresh(() => void load(1))
  useReachBottom(() => {
    if (!loading && items.length < total) void load(page + 1)
  })

  const cancel = async (b: BookingView) => {
    const ok = await Taro.showModal({ title: '取消预约', content: `确定取消 ${rangeLabel(b.start, b.end)} ${b.roomName} 的预约吗？`, confirmText: '确定取消', cancelText: '再想想' })
    if (!ok.confirm) return
    setBusy(b.id)
    const reply = await centersApi.cancel({ bookingId: b.id })
    setBusy(undefined)
    if (!reply.ok) {
      Taro.showToast({ title: reply.error.message, icon: 'none', duration: 3000 })
      return void load(1)
    }
    Taro.showToast({ title: '已取消', icon: 'success' })
    setItems((prev) => (scope === 'upcoming' ? prev.filter((x) => x.id !== b.id) : prev.map((x) => (x.id === b.id ? reply.data : x))))
    setTotal((t) => (scope === 'upcoming' ? t - 1 : t))
  }

  if (!hasPersona) return <PageContainer><LoadingState text='请先选择演示身份…' /></PageContainer>
  return (
    <PageContainer>
      {suspendedUntil ? (
        <View className='ct-banner ct-banner--bad'>
          <Text className='ct-banner__text'>因多次预约后未到场签到，{suspendedUntil.slice(0, 10)} 前暂停预约。如有疑问请联系社区。</Text>
        </View>
      ) : null}
      <Chips options={SCOPES} value={scope} onChange={setScope} />
      {error && !items.length ? (
        <ErrorState error={error} onRetry={() => void load(1)} />
      ) : loading && !items.length ? (
        <LoadingState />
      ) : !items.length ? (
        <EmptyState title={scope === 'upcoming' ? '没有即将开始的预约' : '还没有历史预约'} description='到邻里中心看看哪个活动室有空'>
          <BigButton onClick={() => go('centers')}>去预约</BigButton>
        </EmptyState>
      ) : (
        <View>
          {items.map((b) => (
            <BookingCard key={b.id} booking={b}>
              {b.canCheckIn ? <View className='ct-btn' onClick={() => go('centersCheckIn')}>到场签到</View> : null}
              {b.canCancel ? (
                <View className={busy === b.id ? 'ct-btn ct-btn--light ct-btn--disabled' : 'ct-btn ct-btn--light'} onClick={() => busy !== b.id && void cancel(b)}>
                  取消预约
                </View>
              ) : null}
              {!b.canCancel && (b.status === 'confirmed' || b.status === 'pending') && scope === 'upcoming' ? (
                <Text className='ct-line ct-line--muted'>已过取消时间（{timeOf(b.cancelDeadline)}前可取消），如有变化请联系社区</Text>
              ) : null}
            </BookingCard>
          ))}
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
