import { useCallback, useEffect, useState } from 'react'
import { Image, Input, Switch, Text, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { BigButton, ErrorState, LoadingState, PageContainer, Section } from '@/components'
import {
  CENTER_STATUS_LABELS,
  CENTER_STATUSES,
  ROOM_DEFAULTS,
  SLOT_MINUTES,
  type BlackoutView,
  type CenterDetail,
  type RoomView
} from '@contracts/centers'
import type { ReplyError } from '@contracts/reply'
import { centersApi, CenterStatusTag, Chips, dayKey, durationLabel, rangeLabel, Stepper, Tag, yuan } from '@/features/centers'
import { hasRole, useMe, useRequirePersona } from '@/features/session'
import { routes } from '@/services/routes'
import '@/features/centers/components/centers-pages.scss'

/**
 * 中心与活动室管理 (staff of the centre's community; district admin): construction status,
 * rooms and their rules, the check-in code on each room's door, and the periods closed.
 */
export default function ManagePage() {
  const id = useRouter().params.id ?? ''
  const hasPersona = useRequirePersona(`${routes.centersManage}?id=${id}`)
  const { me } = useMe({ enabled: hasPersona })
  const [center, setCenter] = useState<CenterDetail>()
  const [error, setError] = useState<ReplyError>()
  const [editing, setEditing] = useState<RoomView | 'new'>()
  const [code, setCode] = useState<{ roomId: string; qrUrl: string; code: string }>()
  const [blackouts, setBlackouts] = useState<BlackoutView[]>([])

  const load = useCallback(async () => {
    const [c, b] = await Promise.all([centersApi.get({ centerId: id }), centersApi.blackouts({ centerId: id, pageSize: 50 })])
    if (!c.ok) return setError(c.error)
    setCenter(c.data)
    if (b.ok) setBlackouts(b.data.items)
  }, [id])
  useEffect(() => {
    if (hasPersona && id) void load()
  }, [hasPersona, id, load])

  if (!id) return <PageContainer><ErrorState error={{ code: 'NOT_FOUND', message: '未找到该邻里中心' }} /></PageContainer>
  if (!hasPersona || (!center && !error)) return <PageContainer><LoadingState /></PageContainer>
  if (!center) return <PageContainer><ErrorState error={error!} onRetry={() => void load()} /></PageContainer>
  if (!center.canManage) return <PageContainer><ErrorState error={{ message: '仅本社区工作人员可管理该中心' }} /></PageContainer>

  const admin = hasRole(me, 'district_admin')
  const index = CENTER_STATUSES.indexOf(center.status)
  const next = CENTER_STATUSES[index + 1]
  const advance = async () => {
    if (!next) return
    const res = await Taro.showModal({ title: '更新建设状态', content: `将"${center.name}"更新为"${CENTER_STATUS_LABELS[next]}"？${next === 'accepted' ? '验收合格将自动记入5000元奖励。' : ''}` })
    if (!res.confirm) return
    const reply = await centersApi.setStatus({ centerId: center.id, status: next })
    if (!reply.ok) return Taro.showToast({ title: reply.error.message, icon: 'none', duration: 3000 })
    setCenter(reply.data)
    Taro.showToast({ title: '已更新', icon: 'success' })
  }
  const showCode = async (room: RoomView) => {
    const reply = await centersApi.roomCode({ roomId: room.id })
    if (!reply.ok) return Taro.showToast({ title: reply.error.message, icon: 'none' })
    setCode({ roomId: room.id, qrUrl: reply.data.qrUrl, code: reply.data.code })
  }
  const lift = async (b: BlackoutView) => {
    const res = await Taro.showModal({ title: '恢复开放', content: `${rangeLabel(b.start, b.end)} ${b.roomName} 恢复开放？已取消的预约不会自动恢复。` })
    if (!res.confirm) return
    const reply = await centersApi.liftBlackout({ blackoutId: b.id })
    if (!reply.ok) return Taro.showToast({ title: reply.error.message, icon: 'none' })
    setBlackouts((list) => list.filter((x) => x.id !== b.id))
  }

  return (
    <PageContainer>
      <Section title={center.name} subtitle={center.communityName}>
        <View className='ct-row ct-row--wrap'>
          <CenterStatusTag status={center.status} />
          {center.funding ? <Tag>{`累计投入${yuan(center.funding.total)}`}</Tag> : null}
        </View>
        {(center.statusHistory ?? []).map((h) => (
          <Text key={`${h.status}${h.at}`} className='ct-line ct-line--muted'>
            {dayKey(h.at)} {CENTER_STATUS_LABELS[h.status]}{h.note ? `：${h.note}` : ''}{h.actorName ? `（${h.actorName}）` : ''}
          </Text>
        ))}
        {next && (next !== 'accepted' || admin) ? (
          <View className='ct-gap-top'>
            <BigButton fill='outline' onClick={() => void advance()}>更新为"{CENTER_STATUS_LABELS[next]}"</BigButton>
          </View>
        ) : next === 'accepted' ? (
          <Text className='ct-line ct-line--muted'>建成后由区级管理员组织验收</Text>
        ) : null}
        <View className='ct-gap-top'>
          <BigButton fill='outline' onClick={() => void Taro.navigateTo({ url: `${routes.centersEdit}?id=${center.id}` })}>编辑名称、地址、开放时间和照片</BigButton>
        </View>
      </Section>

      <Section title='活动室' subtitle={`${center.rooms.length}间`}>
        {center.rooms.map((r) =>
          editing !== 'new' && editing?.id === r.id ? (
            <RoomForm key={r.id} centerId={center.id} room={r} onDone={(saved) => { setEditing(undefined); if (saved) void load() }} />
          ) : (
            <View key={r.id} className='ct-room ct-gap-top'>
              <View className='ct-row ct-row--between'>
                <Text className='ct-room__name'>{r.name}</Text>
                {r.active ? <Tag tone='ok'>开放预约</Tag> : <Tag tone='off'>暂停预约</Tag>}
              </View>
              <Text className='ct-line ct-line--muted'>
                {r.capacity}人 · 每段{durationLabel(r.slotMinutes)} · {r.needsApproval ? '需审核' : '免审核'} · 每人每周{r.weeklyQuota}次 · 可约{r.bookAheadDays}天内
              </Text>
              <Text className='ct-line'>签到码：{r.code}</Text>
              {code?.roomId === r.id ? (
                <View className='ct-qr'>
                  <Image className='ct-qr__img' src={code.qrUrl} showMenuByLongpress />
                  <Text className='ct-qr__code'>{code.code}</Text>
                  <Text className='ct-line ct-line--muted'>打印后贴在活动室门口，居民扫码签到</Text>
                </View>
              ) : null}
              <View className='ct-actions'>
                <View className='ct-btn ct-btn--light' onClick={() => void showCode(r)}>签到二维码</View>
                <View className='ct-btn ct-btn--grey' onClick={() => setEditing(r)}>修改</View>
              </View>
            </View>
          )
        )}
        {editing === 'new' ? (
          <RoomForm centerId={center.id} onDone={(saved) => { setEditing(undefined); if (saved) void load() }} />
        ) : (
          <View className='ct-gap-top'>
            <BigButton fill='outline' onClick={() => setEditing('new')}>新增活动室</BigButton>
          </View>
        )}
      </Section>

      <Section title='暂停开放' subtitle='在活动室预约页设置'>
        {blackouts.length === 0 ? <Text className='ct-line ct-line--muted'>没有暂停开放的安排</Text> : null}
        {blackouts.map((b) => (
          <View key={b.id} className='ct-room ct-gap-top'>
            <Text className='ct-room__name'>{b.roomName}</Text>
            <Text className='ct-line'>{rangeLabel(b.start, b.end)}</Text>
            <Text className='ct-line ct-line--muted'>原因：{b.reason}{b.cancelledBookings ? `（取消预约${b.cancelledBookings}个）` : ''}</Text>
            <View className='ct-actions'>
              <View className='ct-btn ct-btn--light' onClick={() => void lift(b)}>恢复开放</View>
            </View>
          </View>
        ))}
      </Section>
    </PageContainer>
  )
}

function RoomForm({ centerId, room, onDone }: { centerId: string; room?: RoomView; onDone: (saved: boolean) => void }) {
  const [name, setName] = useState(room?.name ?? '')
  const [capacity, setCapacity] = useState(room?.capacity ?? 20)
  const [slotMinutes, setSlotMinutes] = useState<number>(room?.slotMinutes ?? ROOM_DEFAULTS.slotMinutes)
  const [needsApproval, setNeedsApproval] = useState(room?.needsApproval ?? ROOM_DEFAULTS.needsApproval)
  const [weeklyQuota, setWeeklyQuota] = useState(room?.weeklyQuota ?? ROOM_DEFAULTS.weeklyQuota)
  const [maxSlots, setMaxSlots] = useState(room?.maxSlots ?? ROOM_DEFAULTS.maxSlots)
  const [bookAheadDays, setBookAheadDays] = useState(room?.bookAheadDays ?? ROOM_DEFAULTS.bookAheadDays)
  const [noticeHours, setNoticeHours] = useState(Math.round((room?.minNoticeMinutes ?? ROOM_DEFAULTS.minNoticeMinutes) / 60))
  const [cancelHours, setCancelHours] = useState(Math.round((room?.cancelBeforeMinutes ?? ROOM_DEFAULTS.cancelBeforeMinutes) / 60))
  const [facilities, setFacilities] = useState((room?.facilities ?? []).join('、'))
  const [active, setActive] = useState(room?.active ?? true)
  const [busy, setBusy] = useState(false)
  const save = async () => {
    if (name.trim().length < 2) return Taro.showToast({ title: '请填写活动室名称', icon: 'none' })
    setBusy(true)
    const reply = await centersApi.saveRoom({
      roomId: room?.id,
      centerId,
      name: name.trim(),
      capacity,
      slotMinutes: slotMinutes as 30 | 60 | 90 | 120,
      needsApproval,
      weeklyQuota,
      maxSlots,
      bookAheadDays,
      minNoticeMinutes: noticeHours * 60,
      cancelBeforeMinutes: cancelHours * 60,
      facilities: facilities.split(/[、,，\s]+/).map((f) => f.trim()).filter(Boolean),
      active,
      description: room?.description
    })
    setBusy(false)
    if (!reply.ok) return Taro.showToast({ title: reply.error.message, icon: 'none', duration: 3000 })
    Taro.showToast({ title: '已保存', icon: 'success' })
    onDone(true)
  }
  return (
    <View className='ct-room ct-gap-top'>
      <Text className='ct-form__label'>名称</Text>
      <Input className='ct-form__input' value={name} maxlength={30} placeholder='例如：多功能活动室' onInput={(e) => setName(e.detail.value)} />
      <Text className='ct-form__label'>可容纳人数</Text>
      <Stepper value={capacity} max={500} onChange={setCapacity} unit='人' />
      <Text className='ct-form__label'>每段时长</Text>
      <Chips options={SLOT_MINUTES.map((m) => ({ value: String(m), label: durationLabel(m) }))} value={String(slotMinutes)} onChange={(v) => setSlotMinutes(Number(v))} />
      <Text className='ct-form__label'>一次最多连续预约</Text>
      <Stepper value={maxSlots} max={8} onChange={setMaxSlots} unit='段' />
      <Text className='ct-form__label'>每人每周最多预约</Text>
      <Stepper value={weeklyQuota} max={50} onChange={setWeeklyQuota} unit='次' />
      <Text className='ct-form__label'>可预约多少天内</Text>
      <Stepper value={bookAheadDays} max={60} onChange={setBookAheadDays} unit='天' />
      <Text className='ct-form__label'>至少提前</Text>
      <Stepper value={noticeHours} min={0} max={72} onChange={setNoticeHours} unit='小时' />
      <Text className='ct-form__label'>开始前可取消</Text>
      <Stepper value={cancelHours} min={0} max={72} onChange={setCancelHours} unit='小时' />
      <Text className='ct-form__label'>设施（用顿号分隔）</Text>
      <Input className='ct-form__input' value={facilities} placeholder='投影仪、音响、桌椅' onInput={(e) => setFacilities(e.detail.value)} />
      <View className='ct-row ct-row--between ct-gap-top'>
        <Text className='ct-line'>需要社区审核</Text>
        <Switch checked={needsApproval} color='#c8161d' onChange={(e) => setNeedsApproval(e.detail.value)} />
      </View>
      <View className='ct-row ct-row--between ct-gap-top'>
        <Text className='ct-line'>开放预约</Text>
        <Switch checked={active} color='#c8161d' onChange={(e) => setActive(e.detail.value)} />
      </View>
      <View className='ct-actions'>
        <View className='ct-btn ct-btn--grey' onClick={() => onDone(false)}>取消</View>
        <View className={busy ? 'ct-btn ct-btn--disabled' : 'ct-btn'} onClick={() => !busy && void save()}>保存</View>
      </View>
    </View>
  )
}
