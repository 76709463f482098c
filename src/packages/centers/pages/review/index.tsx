import { useCallback, useEffect, useRef, useState } from 'react'
import { Input, Text, View } from '@tarojs/components'
import Taro, { usePullDownRefresh, useReachBottom, useRouter } from '@tarojs/taro'
import { BigButton, EmptyState, ErrorState, LoadingState, PageContainer } from '@/components'
import type { BookingView } from '@contracts/centers'
import type { ReplyError } from '@contracts/reply'
import { addDays, BookingCard, centersApi, Chips, dayKey, relativeDay } from '@/features/centers'
import { useRequirePersona } from '@/features/session'
import { routes } from '@/services/routes'
import '@/features/centers/components/centers-pages.scss'

type Tab = 'pending' | 'today' | 'tomorrow'
const PAGE_SIZE = 20
const REJECT_REASONS = ['该时段已安排社区活动', '用途不符合中心使用规定', '人数超出活动室容量', '请改约其他时段']

/**
 * 预约审核 (staff of the community; district admin): the review queue oldest first, and the day's
 * bookings per centre in time order — approve, reject with a reason, check people in, cancel.
 */
export default function ReviewPage() {
  const centerId = useRouter().params.centerId || undefined
  const hasPersona = useRequirePersona(centerId ? `${routes.centersBookingReview}?centerId=${centerId}` : routes.centersBookingReview)
  const [tab, setTab] = useState<Tab>('pending')
  const [items, setItems] = useState<BookingView[]>([])
  const [total, setTotal] = useState(0)
  const [page, setPage] = useState(1)
  const [loading, setLoading] = useState(true)
  const [error, setError] = useState<ReplyError>()
  const [rejecting, setRejecting] = useState<string>()
  const [reason, setReason] = useState('')
  const [busy, setBusy] = useState<string>()
  const seq = useRef(0)

  const load = useCallback(
    async (nextPage: number) => {
      const mine = ++seq.current
      setLoading(true)
      const today = dayKey()
      const reply = await centersApi.bookings({
        centerId,
        page: nextPage,
        pageSize: PAGE_SIZE,
        ...(tab === 'pending' ? { status: 'pending' as const } : { date: tab === 'today' ? today : addDays(today, 1) })
      })
      if (mine !== seq.current) return
      setLoading(false)
      Taro.stopPullDownRefresh()
      if (!reply.ok) return setError(reply.error)
      setError(undefined)
      setItems((prev) => (nextPage === 1 ? reply.data.items : [...prev, ...reply.data.items]))
      setTotal(reply.data.total)
      setPage(nextPage)
    },
    [tab, centerId]
  )
  useEffect(() => {
    if (hasPersona) void load(1)
  }, [hasPersona, load])
  usePullDownRefresh(() => void load(1))
  useReachBottom(() => {
    if (!loading && items.length < total) void load(page + 1)
  })

  const replace = (b: BookingView) => {
    if (tab === 'pending' && b.status !== 'pending') {
      setItems((prev) => prev.filter((x) => x.id !== b.id))
      setTotal((t) => t - 1)
    } else setItems((prev) => prev.map((x) => (x.id === b.id ? b : x)))
  }
  const act = async (b: BookingView, run: () => ReturnType<typeof centersApi.review>, done: string) => {
    setBusy(b.id)
    const reply = await run()
    setBusy(undefined)
    if (!reply.ok) {
      Taro.showToast({ title: reply.error.message, icon: 'none', duration: 3000 })
      return void load(1)
    }
    Taro.showToast({ title: done, icon: 'none' })
    setRejecting(undefined)
    setReason('')
    replace(reply.data)
  }
  const approve = (b: BookingView) => act(b, () => centersApi.review({ bookingId: b.id, decision: 'approve' }), '已通过，已通知预约人')
  const reject = (b: BookingView) => {
    if (!reason.trim()) return Taro.showToast({ title: '请填写或选择原因', icon: 'none' })
    return act(b, () => centersApi.review({ bookingId: b.id, decision: 'reject', reason: reason.trim() }), '已驳回，已通知预约人')
  }
  /** 拨打: the full number comes from `revealMobile` (the centre's managers only; audited), then the phone dials it. */
  const callBooker = async (b: BookingView) => {
    const reply = await centersApi.revealMobile({ bookingId: b.id })
    if (!reply.ok) return void Taro.showToast({ title: reply.error.message, icon: 'none', duration: 2500 })
    void Taro.makePhoneCall({ phoneNumber: reply.data.mobile }).catch(() => undefined)
  }
  const checkIn = (b: BookingView) => act(b, () => centersApi.checkIn({ bookingId: b.id }), '已签到')
  const cancel = async (b: BookingView) => {
    const res = await Taro.showModal({ title: '取消预约', content: `取消后将通知${b.bookerName ?? '预约人'}。确定取消吗？` })
    if (res.confirm) await act(b, () => centersApi.cancel({ bookingId: b.id, reason: '社区工作人员取消' }), '已取消，已通知预约人')
  }

  if (!hasPersona) return <PageContainer><LoadingState text='请先选择演示身份…' /></PageContainer>
  const tabs: { value: Tab; label: string }[] = [
    { value: 'pending', label: tab === 'pending' && total ? `待审核（${total}）` : '待审核' },
    { value: 'today', label: '今日预约' },
    { value: 'tomorrow', label: relativeDay(addDays(dayKey(), 1)) }
  ]
  return (
    <PageContainer>
      {centerId && items[0] ? <Text className='ct-line ct-line--muted'>{items[0].centerName}</Text> : null}
      <Chips options={tabs} value={tab} onChange={(t) => { setTab(t); setRejecting(undefined) }} />
      {error && !items.length ? (
        <ErrorState error={error} onRetry={() => void load(1)} />
      ) : loading && !items.length ? (
        <LoadingState />
      ) : !items.length ? (
        <EmptyState title={tab === 'pending' ? '没有待审核的预约' : '当天没有预约'} description={tab === 'pending' ? '居民提交的预约申请会显示在这里' : undefined} />
      ) : (
        <View>
          {items.map((b) => (
            <BookingCard key={b.id} booking={b} showBooker>
              {b.status === 'pending' ? (
                <>
                  <View className='ct-btn' onClick={() => busy !== b.id && void approve(b)}>通过</View>
                  <View className='ct-btn ct-btn--light' onClick={() => { setRejecting(rejecting === b.id ? undefined : b.id); setReason('') }}>不通过</View>
                </>
              ) : null}
              {b.canCheckIn ? <View className='ct-btn' onClick={() => busy !== b.id && void checkIn(b)}>代为签到</View> : null}
              {b.canCancel && b.status !== 'pending' ? <View className='ct-btn ct-btn--grey' onClick={() => busy !== b.id && void cancel(b)}>取消预约</View> : null}
              {b.bookerMobile ? <View className='ct-btn ct-btn--light' onClick={() => void callBooker(b)}>拨打 {b.bookerMobile}</View> : null}
              {rejecting === b.id ? (
                <View className='ct-reject'>
                  <Text className='ct-form__label'>不通过的原因（会告知预约人）</Text>
                  <Chips options={REJECT_REASONS.map((r) => ({ value: r, label: r }))} value={reason} onChange={setReason} />
                  <Input className='ct-form__input' value={reason} maxlength={100} placeholder='也可以自己填写' onInput={(e) => setReason(e.detail.value)} />
                  <View className='ct-section-gap' />
                  <BigButton loading={busy === b.id} onClick={() => void reject(b)}>确认不通过</BigButton>
                </View>
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
