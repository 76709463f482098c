import { useCallback, useEffect, useMemo, useState } from 'react'
import { Input, Picker, Text, Textarea, View } from '@tarojs/components'
import Taro, { usePullDownRefresh, useRouter } from '@tarojs/taro'
import { BigButton, ErrorState, LoadingState, PageContainer, Section } from '@/components'
import type { Availability, BookingView } from '@contracts/centers'
import type { ReplyError } from '@contracts/reply'
import {
  askBookingMessages,
  centersApi,
  Chips,
  DayTabs,
  durationLabel,
  nextSelection,
  rangeLabel,
  SlotGrid,
  Stepper,
  type SlotSelection
} from '@/features/centers'
import { useMe, useRequirePersona } from '@/features/session'
import { Check } from '@/components'
import { go } from '@/services/navigate'
import { routes } from '@/services/routes'
import '@/features/centers/components/centers-pages.scss'

const PURPOSES = ['居民议事协商', '党小组学习', '兴趣小组活动', '讲座培训', '文体排练', '亲子活动']
const DAYS = 14

/**
 * A room's free and taken slots for the coming days, and booking one or more consecutive slots
 * with a purpose and the number of people. Staff of the centre also close the room for a period.
 */
export default function RoomPage() {
  const id = useRouter().params.id ?? ''
  const hasPersona = useRequirePersona(`${routes.centersRoom}?id=${id}`)
  const [av, setAv] = useState<Availability>()
  const [error, setError] = useState<ReplyError>()
  const [date, setDate] = useState('')
  const [selection, setSelection] = useState<SlotSelection | null>(null)
  const [purpose, setPurpose] = useState('')
  const [attendees, setAttendees] = useState(5)
  const [busy, setBusy] = useState(false)
  const [done, setDone] = useState<BookingView>()
  // Off until the resident ticks it: the number goes onto the booking only with this consent.
  const [shareMobile, setShareMobile] = useState(false)
  const { me } = useMe({ enabled: hasPersona })
  const mobileMasked = me?.profile.mobileMasked

  const load = useCallback(async () => {
    const reply = await centersApi.availability({ roomId: id, days: DAYS })
    Taro.stopPullDownRefresh()
    if (!reply.ok) return setError(reply.error)
    setError(undefined)
    setAv(reply.data)
    Taro.setNavigationBarTitle({ title: reply.data.room.name }).catch(() => {})
    setDate((d) => d || reply.data.days.find((x) => x.slots.some((s) => s.bookable))?.date || reply.data.days[0]?.date || '')
  }, [id])

  useEffect(() => {
    if (hasPersona && id) void load()
  }, [hasPersona, id, load])
  usePullDownRefresh(() => void load())

  const day = useMemo(() => av?.days.find((d) => d.date === date), [av, date])
  const chosen = day && selection && selection.date === date ? day.slots.slice(selection.first, selection.first + selection.count) : []

  if (!id) return <PageContainer><ErrorState error={{ code: 'NOT_FOUND', message: '未找到该活动室' }} /></PageContainer>
  if (!hasPersona || (!av && !error)) return <PageContainer><LoadingState /></PageContainer>
  if (!av) return <PageContainer><ErrorState error={error!} onRetry={() => void load()} /></PageContainer>
  const room = av.room

  if (done) {
    const pending = done.status === 'pending'
    return (
      <PageContainer>
        <View className='ct-card ct-result'>
          <View className={pending ? 'ct-result__icon ct-result__icon--wait' : 'ct-result__icon'}>
            <Text>{pending ? '…' : '✓'}</Text>
          </View>
          <Text className='ct-result__title'>{pending ? '已提交，等待审核' : '预约成功'}</Text>
          <Text className='ct-result__desc'>{done.centerName} · {done.roomName}</Text>
          <Text className='ct-result__desc'>{rangeLabel(done.start, done.end)}</Text>
          <Text className='ct-result__desc'>
            {pending ? '社区工作人员审核后会通知您结果。' : `请在开始前后${15}分钟内到场扫码签到，未签到将自动释放。`}
          </Text>
        </View>
        <BigButton onClick={() => go('centersMine')}>查看我的预约</BigButton>
        <View className='ct-section-gap' />
        <BigButton fill='outline' onClick={() => { setDone(undefined); setSelection(null); void load() }}>继续预约</BigButton>
      </PageContainer>
    )
  }

  const tap = (index: number) => {
    if (!day) return
    const slot = day.slots[index]
    if (!slot.bookable && !(selection && selection.date === date && index >= selection.first && index < selection.first + selection.count)) {
      if (slot.mine) return go('centersMine')
      if (slot.note) Taro.showToast({ title: slot.note, icon: 'none' })
      return
    }
    setSelection((current) => nextSelection(day.slots, current, date, index, room.maxSlots))
  }

  const submit = async () => {
    if (!chosen.length) return Taro.showToast({ title: '请先选择时段', icon: 'none' })
    if (purpose.trim().length < 2) return Taro.showToast({ title: '请填写用途', icon: 'none' })
    // Directly in the tap handler: WeChat shows the subscription prompt only here.
    askBookingMessages()
    setBusy(true)
    const reply = await centersApi.book({ roomId: room.id, start: chosen[0].start, slots: chosen.length, purpose: purpose.trim(), attendees, shareMobile: Boolean(mobileMasked) && shareMobile })
    setBusy(false)
    if (reply.ok) return setDone(reply.data)
    Taro.showToast({ title: reply.error.message, icon: 'none', duration: 3000 })
    if (reply.error.code === 'CONFLICT' || reply.error.code === 'EXPIRED') {
      setSelection(null)
      void load()
    }
  }

  const quota = av.quotaUsed
  return (
    <PageContainer>
      <View className='ct-hero'>
        <Text className='ct-hero__title'>{room.name}</Text>
        <Text className='ct-hero__line'>{av.centerName}</Text>
        <Text className='ct-hero__line'>
          可容纳{room.capacity}人 · 每段{durationLabel(room.slotMinutes)} · {room.needsApproval ? '需社区审核' : '免审核，提交即成功'}
        </Text>
        {room.facilities.length ? <Text className='ct-hero__line'>设施：{room.facilities.join('、')}</Text> : null}
      </View>
      {av.suspendedUntil ? (
        <View className='ct-banner ct-banner--bad'>
          <Text className='ct-banner__text'>因多次预约后未到场签到，暂停预约至{av.suspendedUntil.slice(0, 10)}</Text>
        </View>
      ) : null}

      <Section title='选择日期和时段' subtitle={room.maxSlots > 1 ? `可连续选${room.maxSlots}段` : undefined}>
        <DayTabs days={av.days} value={date} onChange={(d) => { setDate(d); setSelection(null) }} />
        {day ? <SlotGrid slots={day.slots} selection={selection} onTap={tap} /> : null}
        <View className='ct-legend'>
          <Text className='ct-legend__item ct-legend__item--free'>可预约</Text>
          <Text className='ct-legend__item ct-legend__item--taken'>已约/待审</Text>
          <Text className='ct-legend__item ct-legend__item--mine'>我的预约</Text>
          <Text className='ct-legend__item ct-legend__item--event'>社区活动</Text>
        </View>
      </Section>

      <Section title='填写预约信息'>
        <Text className='ct-form__label'>预约时段</Text>
        <Text className={chosen.length ? 'ct-line ct-line--accent' : 'ct-line ct-line--muted'}>
          {chosen.length ? `${rangeLabel(chosen[0].start, chosen[chosen.length - 1].end)}（${durationLabel(chosen.length * room.slotMinutes)}）` : '请在上方点选空闲时段'}
        </Text>
        <Text className='ct-form__label'>用途</Text>
        <Chips options={PURPOSES.map((p) => ({ value: p, label: p }))} value={purpose} onChange={setPurpose} />
        <Textarea className='ct-form__textarea' value={purpose} maxlength={100} placeholder='例如：1号楼居民议事会' onInput={(e) => setPurpose(e.detail.value)} />
        <Text className='ct-form__label'>参加人数</Text>
        <Stepper value={attendees} max={room.capacity} onChange={setAttendees} unit='人' />
        {mobileMasked ? (
          <Check checked={shareMobile} onChange={setShareMobile}>
            {`允许处理人员拨打我的手机 ${mobileMasked} 联系我`}
          </Check>
        ) : null}
        <View className='ct-rules'>
          <Text className='ct-rules__item'>· 每人每周最多预约该活动室{room.weeklyQuota}次{Object.values(quota).some((n) => n > 0) ? `（已约：${Object.entries(quota).filter(([, n]) => n > 0).map(([w, n]) => `${Number(w.slice(5, 7))}月${Number(w.slice(8, 10))}日当周${n}次`).join('，')}）` : ''}</Text>
          <Text className='ct-rules__item'>· 需提前{room.minNoticeMinutes >= 60 ? `${room.minNoticeMinutes / 60}小时` : `${room.minNoticeMinutes}分钟`}预约，可预约{room.bookAheadDays}天内的时段</Text>
          <Text className='ct-rules__item'>· 开始前{room.cancelBeforeMinutes >= 60 ? `${room.cancelBeforeMinutes / 60}小时` : `${room.cancelBeforeMinutes}分钟`}可自行取消</Text>
          <Text className='ct-rules__item'>· 开始前后15分钟内到场扫码签到，未签到自动释放；多次未签到将暂停预约</Text>
        </View>
        <View className='ct-section-gap' />
        <BigButton loading={busy} disabled={!chosen.length || Boolean(av.suspendedUntil)} onClick={() => void submit()}>
          {room.needsApproval ? '提交预约申请' : '确认预约'}
        </BigButton>
      </Section>

      {room.code !== undefined ? <StaffTools roomId={room.id} date={date} onChanged={() => void load()} /> : null}
    </PageContainer>
  )
}

/** Staff of the centre: close the room for a period (bookings it displaces are cancelled and told). */
function StaffTools({ roomId, date, onChanged }: { roomId: string; date: string; onChanged: () => void }) {
  const [from, setFrom] = useState('14:00')
  const [to, setTo] = useState('17:00')
  const [reason, setReason] = useState('')
  const [busy, setBusy] = useState(false)
  const submit = async () => {
    if (reason.trim().length < 2) return Taro.showToast({ title: '请填写暂停原因', icon: 'none' })
    if (to <= from) return Taro.showToast({ title: '结束时间须晚于开始时间', icon: 'none' })
    const confirm = await Taro.showModal({ title: '暂停开放', content: `${date} ${from}-${to} 暂停开放，已有预约将被取消并通知预约人。确定吗？` })
    if (!confirm.confirm) return
    setBusy(true)
    const reply = await centersApi.blackout({ roomId, start: `${date} ${from}`, end: `${date} ${to}`, reason: reason.trim() })
    setBusy(false)
    if (!reply.ok) return Taro.showToast({ title: reply.error.message, icon: 'none', duration: 3000 })
    Taro.showToast({ title: reply.data.cancelledBookings ? `已暂停，取消${reply.data.cancelledBookings}个预约` : '已暂停开放', icon: 'none' })
    setReason('')
    onChanged()
  }
  return (
    <Section title='暂停开放（工作人员）' subtitle={date}>
      <View className='ct-row'>
        <Picker mode='time' value={from} onChange={(e) => setFrom(e.detail.value)} className='ct-time'>
          <View className='ct-form__input ct-picker ct-picker--center'>{from}</View>
        </Picker>
        <Text className='ct-time__to'>至</Text>
        <Picker mode='time' value={to} onChange={(e) => setTo(e.detail.value)} className='ct-time'>
          <View className='ct-form__input ct-picker ct-picker--center'>{to}</View>
        </Picker>
      </View>
      <Input className='ct-form__input ct-gap-top' value={reason} onInput={(e) => setReason(e.detail.value)} placeholder='原因，如：设备检修' />
      <View className='ct-section-gap' />
      <BigButton type='default' loading={busy} onClick={() => void submit()}>设为暂停开放</BigButton>
    </Section>
  )
}
