import { useEffect, useRef, useState } from 'react'
import { Text, View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh, useRouter } from '@tarojs/taro'
import { BigButton, ErrorState, LoadingState, PageContainer, Section } from '@/components'
import { ACTIVITY_KIND_LABELS, AUDIENCE_LABELS, RECORD_STATUS_LABELS, type ActivityDetail } from '@contracts/activities'
import {
  activitiesApi,
  askActivityMessages,
  canScan,
  duration,
  PhaseTag,
  rangeLabel,
  scanCode,
  Sheet,
  shortDateTime,
  SignUpTag,
  Stats,
  Tag,
  timeOf,
  Tools,
  needsRegistration,
  openVolunteerJoin
} from '@/features/volunteer'
import { useRequirePersona } from '@/features/session'
import { useCall } from '@/services/cloud'
import { go } from '@/services/navigate'
import { urlOf } from '@/services/routes'
import '@/features/volunteer/components/volunteer-pages.scss'
import '../volunteer.scss'

const toast = (title: string) => void Taro.showToast({ title, icon: 'none', duration: 2500 })

/** One activity: what, when, where, places; sign up or withdraw; check in; the organiser's tools. */
export default function ActivityDetailPage() {
  const params = useRouter().params
  const id = params.id ?? ''
  const hasPersona = useRequirePersona(urlOf('volunteerDetail', { id }))
  const { data: a, error, loading, reload } = useCall(() => activitiesApi.get({ activityId: id }), [id, hasPersona])
  const [busy, setBusy] = useState(false)
  const [cancelling, setCancelling] = useState(false)
  const shown = useRef(false)
  // Sent to the 志愿者实名登记 by a sign-up: once back, sign up again (once).
  const retryAfterJoin = useRef(false)
  useDidShow(() => {
    if (shown.current) {
      if (retryAfterJoin.current) {
        retryAfterJoin.current = false
        void takePlace(true)
      } else void reload()
    }
    shown.current = true
  })
  usePullDownRefresh(() => void reload().then(() => Taro.stopPullDownRefresh()))
  // Opened in place of the registration page (`signUp=1` in its `next`): sign up once, when open.
  const autoSignUp = useRef(params.signUp === '1')
  useEffect(() => {
    if (!autoSignUp.current || !a) return
    autoSignUp.current = false
    if (a.phase === 'open' && !(a.mySignUp && (a.mySignUp.status === 'confirmed' || a.mySignUp.status === 'waiting'))) void takePlace(true)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [a])

  /**
   * Signs up. REGISTRATION_REQUIRED (neither a party member nor registered as a volunteer) opens
   * the registration, which comes back here; `afterJoin`: the retry once back (never opens it again).
   */
  async function takePlace(afterJoin: boolean) {
    setBusy(true)
    const reply = await activitiesApi.signUp({ activityId: id })
    setBusy(false)
    if (!reply.ok) {
      if (needsRegistration(reply.error)) {
        if (afterJoin) return void reload()
        // Registering would not help: only party members may take part.
        if (a?.audience === 'members') return toast('本活动仅限党员报名')
        retryAfterJoin.current = true
        return openVolunteerJoin(urlOf('volunteerDetail', { id, signUp: 1 }))
      }
      return toast(reply.error.message)
    }
    toast(reply.data.status === 'confirmed' ? '报名成功' : `名额已满，已加入候补（第${reply.data.position}位）`)
    void reload()
  }

  if (!hasPersona) return <PageContainer><LoadingState text='请先选择演示身份…' /></PageContainer>
  if (!a) {
    return <PageContainer>{error && !loading ? <ErrorState error={error} onRetry={() => void reload()} /> : <LoadingState />}</PageContainer>
  }

  const signUp = async () => {
    // Directly in the tap handler: WeChat shows the subscription prompt only here.
    askActivityMessages()
    await takePlace(false)
  }
  const withdraw = async () => {
    const sure = await Taro.showModal({ title: '取消报名', content: a.mySignUp?.status === 'waiting' ? '确定退出候补吗？' : '确定取消报名吗？名额将让给候补的人。', confirmText: '确定取消', cancelText: '再想想' })
    if (!sure.confirm) return
    setBusy(true)
    const reply = await activitiesApi.withdraw({ activityId: a._id })
    setBusy(false)
    if (!reply.ok) return toast(reply.error.message)
    toast('已取消报名')
    void reload()
  }
  const scanToCheck = async () => {
    if (!canScan) return go('volunteerCheckin', { activityId: a._id })
    const text = await scanCode()
    if (text) go('volunteerCheckin', { activityId: a._id, t: text })
  }

  return (
    <PageContainer>
      <View className='vt-card'>
        <View className='vt-card__tags'>
          <PhaseTag phase={a.phase} />
          <Tag tone={a.kind === 'event' ? 'blue' : 'red'}>{a.kind === 'event' ? ACTIVITY_KIND_LABELS.event : a.category}</Tag>
          {a.audience === 'members' ? <Tag tone='gold'>仅限党员</Tag> : null}
          <SignUpTag signUp={a.mySignUp} />
        </View>
        <Text className='vp__head'>{a.title}</Text>
        <Text className='vp__info'>时间：{rangeLabel(a.start, a.end)}</Text>
        <Text className='vp__info'>地点：{a.centerName ? `${a.centerName} · ` : ''}{a.place.name}{a.place.address ? `（${a.place.address}）` : ''}</Text>
        <Text className='vp__info'>组织：{a.communityName}{a.teamName ? ` · ${a.teamName}` : ''}</Text>
        <Text className='vp__info'>报名截止：{shortDateTime(a.signUpDeadline)}</Text>
        <Text className='vp__info'>
          名额：{a.capacity}人，已报名{a.confirmedCount}人{a.waitingCount ? `，候补${a.waitingCount}人` : ''}
        </Text>
        <Text className='vp__muted'>{AUDIENCE_LABELS[a.audience]}{a.kind === 'event' ? '，不计志愿服务时长' : '，签到签退自动记录服务时长'}</Text>
        {a.place.coordinates ? <Text className='vp__muted'>需在活动地点{a.place.radius}米范围内扫码签到</Text> : null}
        {a.phase === 'cancelled' ? <Text className='vt-notice vt-notice--error'>活动已取消：{a.cancelReason}</Text> : null}
      </View>

      <MyPart a={a} busy={busy} onSignUp={signUp} onWithdraw={withdraw} onScan={scanToCheck} />

      {a.description ? (
        <Section title='活动介绍'>
          <Text className='vp__desc'>{a.description}</Text>
        </Section>
      ) : null}

      {a.canManage ? <Organiser a={a} onCancel={() => setCancelling(true)} reload={reload} /> : null}

      <Sheet
        open={cancelling}
        title='取消活动'
        confirm='确定取消活动'
        fields={[{ key: 'reason', label: '取消原因（将通知所有报名者）', placeholder: '例如：暴雨预警，活动取消', multiline: true }]}
        onClose={() => setCancelling(false)}
        onConfirm={async ({ reason }) => {
          const reply = await activitiesApi.cancel({ activityId: a._id, reason: reason.trim() })
          if (!reply.ok) return reply.error.message
          setCancelling(false)
          toast(`活动已取消，已通知${reply.data.notified}人`)
          void reload()
        }}
      />
    </PageContainer>
  )
}

/** What the caller can do: sign up / withdraw, check in and out, their record. */
function MyPart({ a, busy, onSignUp, onWithdraw, onScan }: { a: ActivityDetail; busy: boolean; onSignUp: () => void; onWithdraw: () => void; onScan: () => void }) {
  const s = a.mySignUp
  const active = s && (s.status === 'confirmed' || s.status === 'waiting')
  const record = a.myRecord
  return (
    <View className='vp__buttons'>
      {s?.status === 'confirmed' && !record && !s.checkedInAt && a.phase !== 'cancelled' && a.phase !== 'ended' ? (
        <Text className='vp__buttons-item vt-notice vt-notice--ok'>您已报名。活动开始前1小时起，到现场扫描工作人员出示的签到码签到。</Text>
      ) : null}
      {s?.status === 'waiting' ? <Text className='vp__buttons-item vt-notice'>名额已满，您在候补名单第{s.position}位。有人取消时按顺序递补，递补成功会通知您。</Text> : null}
      {record ? (
        <Text className={record.status === 'declined' ? 'vp__buttons-item vt-notice vt-notice--error' : 'vp__buttons-item vt-notice vt-notice--ok'}>
          {record.checkInAt ? `已于${timeOf(record.checkInAt)}签到` : '已记录'}
          {record.checkOutAt ? `，${timeOf(record.checkOutAt)}签退` : '，服务结束时请再次扫码签退'}
          {record.status !== 'open' ? `。服务时长${duration(record.status === 'approved' || record.status === 'adjusted' ? record.verifiedMinutes : record.minutes)}（${RECORD_STATUS_LABELS[record.status]}）` : ''}
          {record.autoClosed ? '。未签退，按活动结束时间计' : ''}
        </Text>
      ) : s?.checkedInAt ? (
        <Text className='vp__buttons-item vt-notice vt-notice--ok'>已于{timeOf(s.checkedInAt)}签到{s.checkedOutAt ? `，${timeOf(s.checkedOutAt)}签退` : ''}</Text>
      ) : null}
      {a.phase === 'open' && !active ? (
        <BigButton loading={busy} onClick={onSignUp}>
          {a.placesLeft > 0 ? `立即报名（还剩${a.placesLeft}个名额）` : '名额已满，加入候补'}
        </BigButton>
      ) : null}
      {record?.status === 'open' || (record?.autoClosed && record.status === 'pending') || (s?.checkedInAt && !s.checkedOutAt) ? (
        a.checkWindow.checkOut ? <BigButton onClick={onScan}>扫码签退</BigButton> : null
      ) : !record && !s?.checkedInAt && a.checkWindow.checkIn ? (
        <BigButton onClick={onScan}>扫码签到</BigButton>
      ) : null}
      {active && (a.phase === 'open' || (s?.status === 'waiting' && a.phase === 'closed')) && !record && !s?.checkedInAt ? (
        <BigButton fill='outline' loading={busy} onClick={onWithdraw}>
          {s?.status === 'waiting' ? '退出候补' : '取消报名'}
        </BigButton>
      ) : null}
      {a.phase === 'closed' && !active ? <Text className='vp__buttons-item vt-notice'>报名已截止。现场如有空余名额，可直接扫码签到。</Text> : null}
    </View>
  )
}

/** The organiser's tools and figures. */
function Organiser({ a, onCancel, reload }: { a: ActivityDetail; onCancel: () => void; reload: () => Promise<void> }) {
  const running = a.phase !== 'cancelled'
  const before = a.phase === 'open' || a.phase === 'closed'
  const remind = async () => {
    const reply = await activitiesApi.remind({ activityId: a._id })
    if (!reply.ok) return toast(reply.error.message)
    toast(reply.data.already ? '已经提醒过了' : `已提醒${reply.data.sent}人`)
    void reload()
  }
  const tools = [
    ...(running && a.phase !== 'open' ? [{ key: 'code', label: '出示签到码', badge: '码', onClick: () => go('volunteerCode', { id: a._id }) }] : []),
    ...(running && a.phase !== 'open' ? [{ key: 'scan', label: '扫码代签', badge: '扫', onClick: () => go('volunteerScan', { id: a._id }) }] : []),
    { key: 'roster', label: '报名名单', badge: '名', onClick: () => go('volunteerRoster', { id: a._id }) },
    ...(a.kind === 'volunteer' ? [{ key: 'records', label: '时长审核', badge: '审', onClick: () => go('volunteerRecords', { id: a._id }) }] : []),
    ...(before ? [{ key: 'edit', label: '修改活动', badge: '改', onClick: () => go('volunteerEdit', { id: a._id }) }] : []),
    ...(before ? [{ key: 'remind', label: '提醒报名者', badge: '提', onClick: () => void remind() }] : []),
    ...(a.phase === 'open' ? [{ key: 'code', label: '签到码', badge: '码', onClick: () => go('volunteerCode', { id: a._id }) }] : []),
    ...(running && a.phase !== 'ended' ? [{ key: 'cancel', label: '取消活动', badge: '消', onClick: onCancel }] : [])
  ]
  return (
    <Section title='组织者工作台' subtitle='仅本活动组织者可见'>
      {a.stats ? (
        <Stats
          items={[
            { label: '已签到', value: a.stats.checkedIn },
            { label: '未签退', value: a.stats.openRecords },
            ...(a.kind === 'volunteer' ? [{ label: '待审核', value: a.stats.pendingRecords }] : [])
          ]}
        />
      ) : null}
      <Tools tools={tools} />
      <Text className='vp__label'>活动记录</Text>
      {a.history.map((h, i) => (
        <Text key={`${h.at}-${i}`} className='vp__muted'>
          {shortDateTime(h.at)} {h.byName ?? ''} {h.action}
          {h.note ? `：${h.note}` : ''}
        </Text>
      ))}
    </Section>
  )
}
