import { useEffect, useRef, useState } from 'react'
import { Text, View } from '@tarojs/components'
import { useRouter } from '@tarojs/taro'
import { BigButton, LoadingState, PageContainer } from '@/components'
import { MIN_SERVICE_MINUTES, type ActivityDetail, type CheckInput, type CheckResult } from '@contracts/activities'
import type { Reply } from '@contracts/reply'
import {
  activitiesApi,
  activityIdOfToken,
  canScan,
  CodeInput,
  currentLocation,
  duration,
  isNetworkFailure,
  QUEUE_FULL_MESSAGE,
  queuedScans,
  queueScan,
  rangeLabel,
  rememberActivity,
  rememberedActivity,
  scanCode,
  sendQueuedScan,
  timeOf,
  uploadScans,
  useOfflineScans,
  type QueuedScan
} from '@/features/volunteer'
import { useRequirePersona } from '@/features/session'
import { go } from '@/services/navigate'
import { urlOf } from '@/services/routes'
import '@/features/volunteer/components/volunteer-pages.scss'
import '../volunteer.scss'
import './index.scss'

type Outcome =
  | { kind: 'done'; result: CheckResult }
  | { kind: 'error'; message: string }
  | { kind: 'confirmShort'; message: string; scan?: QueuedScan }
  | { kind: 'queued'; scan: QueuedScan }

const isoOf = (ms: number) => new Date(ms).toISOString()

/**
 * Where a scanned check-in code lands (the QR's H5 link `?t=<token>`, a mini-program `scene`, or
 * WeChat's `q`), and where "扫码签到" in the app leads. Scanning checks in at once (one step for an
 * elderly volunteer); someone already checked in is offered 签退 with one big button. The code
 * checks in only those signed up (the server says so to anyone else); a check-out before the
 * minimum service (MIN_SERVICE_MINUTES) is asked to be confirmed, and then counts nothing.
 * Without signal the scan is kept with its time (已记录，联网后上传) and sent when the signal returns
 * (features/volunteer/offlineScans.ts); the server's answer then replaces the message. Opened
 * without a code (首页's 「有N次扫码等待上传」), it lists what waits with 立即上传.
 */
export default function CheckinPage() {
  const params = useRouter().params
  const initial = params.t || params.scene || params.q || ''
  const hasPersona = useRequirePersona(urlOf('volunteerCheckin', { t: initial || undefined, activityId: params.activityId }))
  const [token, setToken] = useState(initial ? decodeURIComponent(initial) : '')
  const [activity, setActivity] = useState<ActivityDetail>()
  const [offline, setOffline] = useState(false)
  const [busy, setBusy] = useState(false)
  const [outcome, setOutcome] = useState<Outcome>()
  /** Answers to the organiser's scans of personal codes sent from here (opened without a code). */
  const [staffAnswers, setStaffAnswers] = useState<string[]>([])
  const autoTried = useRef('')

  const activityId = (token && activityIdOfToken(token)) || params.activityId || ''

  const load = async (id: string) => {
    const reply = await activitiesApi.get({ activityId: id })
    if (reply.ok) {
      setOffline(false)
      setActivity(reply.data)
      rememberActivity(reply.data)
    } else if (isNetworkFailure(reply)) {
      // Without signal: what was seen last here (whether checked in, whether the place is checked).
      setOffline(true)
      setActivity((current) => current ?? rememberedActivity(id))
    } else setOutcome({ kind: 'error', message: reply.error.message })
  }

  useEffect(() => {
    if (hasPersona && activityId) void load(activityId)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [hasPersona, activityId])

  const showReply = (reply: Reply<CheckResult>, direction: 'in' | 'out', scan?: QueuedScan) => {
    if (!reply.ok && direction === 'out' && reply.error.code === 'CONFLICT' && reply.error.fields?.includes('confirmShort')) {
      setOutcome({ kind: 'confirmShort', message: reply.error.message, scan })
      return
    }
    setOutcome(reply.ok ? { kind: 'done', result: reply.data } : { kind: 'error', message: reply.error.message })
  }

  // Without a code or an activity: every scan waiting on this phone (the organiser's too).
  const { pending, uploading, uploadNow } = useOfflineScans(
    (scan) => (scan.kind !== 'staffScan' ? !activityId || activityIdOfToken(scan.payload.token) === activityId : !activityId),
    (answers) => {
      const staff = answers.filter((a) => a.scan.kind === 'staffScan')
      if (staff.length)
        setStaffAnswers((prev) => [
          ...staff.map(({ scan, reply }) =>
            scan.kind === 'staffScan'
              ? `${scan.payload.memberCode.split('.')[0]} ${scan.payload.direction === 'in' ? '签到' : '签退'}：${reply.ok ? '已上传' : reply.error.message}`
              : ''
          ),
          ...prev
        ])
      const own = answers.filter((a) => a.scan.kind !== 'staffScan')
      const last = own[own.length - 1]
      if (!last || last.scan.kind === 'staffScan') return
      showReply(last.reply, last.scan.kind === 'checkOut' ? 'out' : 'in', last.scan)
      const id = activityIdOfToken(last.scan.payload.token)
      if (id) void load(id)
    }
  )

  // A record closed automatically at the end (no check-out yet) may still be checked out within the grace period.
  const record = activity?.myRecord
  const autoClosed = Boolean(record?.autoClosed && record.status === 'pending')
  const queuedIn = pending.some((s) => s.kind === 'checkIn' && activityIdOfToken(s.payload.token) === activity?._id)
  const checkedIn = Boolean(activity && (record?.status === 'open' || autoClosed || (activity.mySignUp?.checkedInAt && !activity.mySignUp.checkedOutAt) || queuedIn))
  const finished = Boolean(activity && ((record?.checkOutAt && !autoClosed) || activity.mySignUp?.checkedOutAt))
  const settled = outcome?.kind === 'done' || outcome?.kind === 'queued'

  /** Keeps the scan for later when there was no answer at all; true when it did. */
  const keepIfOffline = (reply: Reply<CheckResult>, scan: Omit<QueuedScan, 'id'>): boolean => {
    if (!isNetworkFailure(reply)) return false
    setOffline(true)
    const kept = queueScan(scan)
    setOutcome(kept ? { kind: 'queued', scan: kept } : { kind: 'error', message: QUEUE_FULL_MESSAGE })
    return true
  }

  /** This person's own check-in/check-out scans still waiting (oldest first). */
  const ownQueued = () => queuedScans().filter((s) => s.kind !== 'staffScan')

  const run = async (direction: 'in' | 'out', code = token, confirmShort = false) => {
    const scannedAt = Date.now()
    setBusy(true)
    // Earlier scans go first (a queued check-in before this check-out, which the server would refuse
    // as final otherwise); if they cannot, this scan joins them in the queue, in order.
    let behind = false
    if (ownQueued().length) {
      await uploadScans()
      behind = ownQueued().length > 0
    }
    let location
    // Offline and never seen here: whether the place is checked is unknown, so the location is taken anyway.
    if (direction === 'in' && (activity ? activity.place.coordinates : offline)) {
      location = await currentLocation()
      if (!location && activity) {
        setBusy(false)
        setOutcome({ kind: 'error', message: '本活动需要在现场签到，请允许“红邻”获取您的位置后重试' })
        return
      }
    }
    const input: CheckInput = { token: code, activityId: params.activityId || undefined, ...(location ? { location } : {}) }
    const scan: Omit<QueuedScan, 'id'> = { kind: direction === 'in' ? 'checkIn' : 'checkOut', payload: { ...input, ...(confirmShort ? { confirmShort: true } : {}) }, scannedAt }
    if (behind) {
      setBusy(false)
      const kept = queueScan(scan)
      setOutcome(kept ? { kind: 'queued', scan: kept } : { kind: 'error', message: QUEUE_FULL_MESSAGE })
      return
    }
    const reply = direction === 'in' ? await activitiesApi.checkIn(input) : await activitiesApi.checkOut({ ...input, ...(confirmShort ? { confirmShort: true } : {}) })
    setBusy(false)
    if (keepIfOffline(reply, scan)) return
    showReply(reply, direction)
    if (activityId) void load(activityId)
  }

  /** A queued check-out the server found too short: confirmed, it is sent again with its scan time. */
  const confirmQueued = async (scan: QueuedScan) => {
    setBusy(true)
    const reply = await sendQueuedScan(scan, { confirmShort: true })
    setBusy(false)
    if (scan.kind === 'staffScan' || keepIfOffline(reply, { ...scan, payload: { ...scan.payload, confirmShort: true } })) return
    showReply(reply, 'out')
    if (activityId) void load(activityId)
  }

  // Arriving from a scan: check in straight away (not out: that waits for a tap).
  useEffect(() => {
    if (!(activity || offline) || !token || autoTried.current === token || outcome) return
    autoTried.current = token
    if (!checkedIn && !finished) void run('in')
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [activity, offline, token])

  const scanAgain = async () => {
    const text = await scanCode()
    if (!text) return
    setOutcome(undefined)
    setToken(text)
  }
  const useCode = (text: string) => {
    setOutcome(undefined)
    autoTried.current = ''
    setToken(text)
  }

  if (!hasPersona) return <PageContainer><LoadingState /></PageContainer>

  return (
    <PageContainer>
      {activity ? (
        <View className='vt-card'>
          <Text className='vp__head'>{activity.title}</Text>
          <Text className='vp__info'>{rangeLabel(activity.start, activity.end)}</Text>
          <Text className='vp__info'>{activity.place.name}</Text>
        </View>
      ) : null}

      {outcome?.kind === 'done' ? (
        <View className='vp__result'>
          <View className={outcome.result.direction === 'in' ? 'vp__result-icon' : 'vp__result-icon vp__result-icon--out'}>✓</View>
          <Text className='vp__result-title'>
            {outcome.result.direction === 'in' ? (outcome.result.already ? '您已签到' : '签到成功') : outcome.result.already ? '您已签退' : '签退成功'}
          </Text>
          <Text className='vp__result-text'>
            {outcome.result.direction === 'in' ? '签到' : '签退'}时间 {timeOf(outcome.result.at)}
            {outcome.result.walkIn ? '（现场报名）' : ''}
          </Text>
          {outcome.result.direction === 'out' && outcome.result.minutes !== undefined ? (
            <Text className='vp__result-text'>本次服务 {duration(outcome.result.minutes)}，等待社区审核认定</Text>
          ) : null}
          {outcome.result.direction === 'in' ? <Text className='vp__result-text'>服务结束时，请再次扫码签退</Text> : null}
        </View>
      ) : outcome?.kind === 'queued' ? (
        <View className='vp__result'>
          <View className='vp__result-icon vp__result-icon--queued'>…</View>
          <Text className='vp__result-title'>已记录，联网后上传</Text>
          <Text className='vp__result-text'>
            {outcome.scan.kind === 'checkOut' ? '签退' : '签到'}扫码时间 {timeOf(isoOf(outcome.scan.scannedAt))}
          </Text>
          <Text className='vp__result-text'>当前没有网络。恢复网络后会自动上传，并按扫码时间计算，请勿重复扫码。</Text>
        </View>
      ) : outcome?.kind === 'error' ? (
        <View className='vp__result'>
          <View className='vp__result-icon vp__result-icon--error'>!</View>
          <Text className='vp__result-title'>未能完成</Text>
          <Text className='vp__result-text'>{outcome.message}</Text>
        </View>
      ) : outcome?.kind === 'confirmShort' ? (
        <View className='vp__result'>
          <View className='vp__result-icon vp__result-icon--error'>!</View>
          <Text className='vp__result-title'>服务时间不足{MIN_SERVICE_MINUTES}分钟</Text>
          <Text className='vp__result-text'>{outcome.message}</Text>
        </View>
      ) : busy ? (
        <LoadingState text='正在签到…' />
      ) : null}

      {staffAnswers.length ? (
        <View className='ck-pending'>
          {staffAnswers.map((line, i) => (
            <Text key={i} className='vt-notice'>
              代扫码 {line}
            </Text>
          ))}
        </View>
      ) : null}

      {pending.length > 0 && outcome?.kind !== 'queued' ? (
        <View className='ck-pending'>
          <Text className='vt-notice'>有{pending.length}次无信号时的扫码等待上传（最早 {timeOf(isoOf(pending[0].scannedAt))}），联网后自动上传。</Text>
        </View>
      ) : null}

      <View className='vp__buttons'>
        {outcome?.kind === 'queued' || (pending.length > 0 && !settled) ? (
          <BigButton loading={uploading} onClick={() => void uploadNow()}>
            立即上传
          </BigButton>
        ) : null}
        {activity && token && outcome?.kind === 'confirmShort' ? (
          <BigButton loading={busy} onClick={() => void (outcome.scan ? confirmQueued(outcome.scan) : run('out', token, true))}>
            确认提前签退（不计时长）
          </BigButton>
        ) : activity && token && checkedIn && !finished && !settled ? (
          <BigButton loading={busy} onClick={() => void run('out')}>
            确认签退
          </BigButton>
        ) : null}
        {token && !checkedIn && !finished && outcome?.kind === 'error' ? (
          <BigButton loading={busy} onClick={() => void run('in')}>
            重新签到
          </BigButton>
        ) : null}
        {canScan && !settled ? (
          <BigButton fill={token ? 'outline' : 'solid'} onClick={() => void scanAgain()}>
            {token ? '重新扫码' : '扫描签到码'}
          </BigButton>
        ) : null}
      </View>
      {(!canScan || !token) && !settled ? (
        <View>
          <Text className='vp__label'>{canScan ? '扫不出来？输入签到码' : '输入或粘贴签到码'}</Text>
          <CodeInput placeholder='工作人员手机上二维码下方的编码' onSubmit={useCode} />
          <Text className='vp__muted'>签到码每30秒更新，请输入最新的编码。</Text>
        </View>
      ) : null}
      {activity ? (
        <View className='vp__buttons' style={{ marginTop: '32px' }}>
          <BigButton fill='outline' onClick={() => go('volunteerDetail', { id: activity._id })}>
            查看活动详情
          </BigButton>
        </View>
      ) : null}
      {!activity && !token ? <Text className='vp__muted'>请扫描活动现场工作人员出示的签到码。</Text> : null}
    </PageContainer>
  )
}
