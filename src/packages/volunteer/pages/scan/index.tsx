import { useState } from 'react'
import { Text, View } from '@tarojs/components'
import { useRouter } from '@tarojs/taro'
import { BigButton, LoadingState, PageContainer, Section } from '@/components'
import type { CheckResult } from '@contracts/activities'
import type { Reply } from '@contracts/reply'
import {
  activitiesApi,
  canScan,
  Chips,
  CodeInput,
  duration,
  isNetworkFailure,
  QUEUE_FULL_MESSAGE,
  queueScan,
  scanCode,
  sendQueuedScan,
  timeOf,
  useOfflineScans,
  type QueuedScan
} from '@/features/volunteer'
import { useRequirePersona } from '@/features/session'
import { useCall } from '@/services/cloud'
import { urlOf } from '@/services/routes'
import '@/features/volunteer/components/volunteer-pages.scss'
import '../volunteer.scss'
import './index.scss'

type Direction = 'in' | 'out'
interface Line {
  state: 'ok' | 'error' | 'queued'
  text: string
  /** A scan kept without signal: its line is replaced by the server's answer. */
  scanId?: string
}
/** A scan the server wants the organiser to confirm: a walk-in, or a check-out before the minimum. */
interface Ask {
  memberCode: string
  direction: Direction
  confirm: 'walkIn' | 'confirmShort'
  message: string
  /** The scan was queued without signal: confirming re-sends it with its scan time. */
  scan?: QueuedScan
}

const isoOf = (ms: number) => new Date(ms).toISOString()
/** The volunteer number of a personal code (the part before the signature), for the list. */
const numberOf = (memberCode: string) => memberCode.trim().split('.')[0]

/**
 * The organiser checks in (or out) people without a phone by scanning the personal code printed
 * on their card (我的志愿者码), or typing the full code printed under it (a volunteer number alone
 * is refused: numbers are consecutive). Someone who did not sign up is checked in only after the
 * organiser confirms the walk-in; a check-out before the minimum service only after confirming it.
 * Without signal each scan is kept with its time (已记录，联网后上传) and sent when the signal
 * returns; its line then shows the server's answer. Several queued scans may each ask for a
 * confirmation when the signal returns: the questions wait in a list, answered one at a time.
 */
export default function StaffScanPage() {
  const id = useRouter().params.id ?? ''
  const hasPersona = useRequirePersona(urlOf('volunteerScan', { id }))
  const { data: activity } = useCall(() => activitiesApi.get({ activityId: id }), [id, hasPersona])
  const [direction, setDirection] = useState<Direction>('in')
  const [busy, setBusy] = useState(false)
  const [lines, setLines] = useState<Line[]>([])
  /**
   * The questions waiting for the organiser, the first shown. A queued scan's question is its only
   * trace (the scan left the storage with the answer): only confirming or cancelling it removes it.
   */
  const [asks, setAsks] = useState<Ask[]>([])
  const ask = asks[0]
  /** A new scan or direction replaces the question about the previous typed/scanned code. */
  const dropDirectAsks = () => setAsks((prev) => prev.filter((a) => a.scan))
  const settle = (done: Ask) => setAsks((prev) => prev.filter((a) => a !== done))
  // Remounts the code field, emptying it for the next card once a scan was recorded or kept.
  const [field, setField] = useState(0)

  /** Shows the server's answer: a line, or the question it asks (walk-in, early check-out). */
  const show = (reply: Reply<CheckResult>, memberCode: string, as: Direction, scan?: QueuedScan) => {
    const needs = !reply.ok && reply.error.code === 'CONFLICT' ? reply.error.fields?.find((f): f is Ask['confirm'] => f === 'walkIn' || f === 'confirmShort') : undefined
    if (!reply.ok && needs) {
      const next: Ask = { memberCode, direction: as, confirm: needs, message: reply.error.message, scan }
      if (scan) {
        setLines((prev) => prev.filter((l) => l.scanId !== scan.id))
        setAsks((prev) => [...prev.filter((a) => a.scan?.id !== scan.id), next])
      } else setAsks((prev) => [next, ...prev.filter((a) => a.scan)])
      return
    }
    const line: Line = reply.ok
      ? {
          state: 'ok',
          text: `${reply.data.volunteerName ?? '志愿者'} ${reply.data.already ? '已' : ''}${as === 'in' ? '签到' : '签退'} ${timeOf(reply.data.at)}${
            reply.data.minutes !== undefined && as === 'out' ? `，服务${duration(reply.data.minutes)}` : ''
          }${reply.data.walkIn ? '（现场报名）' : ''}`
        }
      : { state: 'error', text: `${numberOf(memberCode)}：${reply.error.message}` }
    setLines((prev) => [line, ...prev.filter((l) => !scan || l.scanId !== scan.id)].slice(0, 30))
    if (reply.ok && !scan) setField((n) => n + 1)
  }

  /** No answer at all (no signal): the scan is kept with its time and listed as waiting. */
  const keep = (scan: Omit<QueuedScan, 'id'>) => {
    const kept = queueScan(scan)
    if (!kept) {
      setLines((prev) => [{ state: 'error' as const, text: QUEUE_FULL_MESSAGE }, ...prev].slice(0, 30))
      return
    }
    if (kept.kind !== 'staffScan') return
    const line: Line = {
      state: 'queued',
      scanId: kept.id,
      text: `已记录，联网后上传：${numberOf(kept.payload.memberCode)} ${kept.payload.direction === 'in' ? '签到' : '签退'}，扫码时间 ${timeOf(isoOf(kept.scannedAt))}`
    }
    setLines((prev) => [line, ...prev.filter((l) => l.scanId !== kept.id)].slice(0, 30))
    setField((n) => n + 1)
  }

  const submit = async (memberCode: string, confirm?: Ask['confirm'], as: Direction = direction) => {
    const scannedAt = Date.now()
    setBusy(true)
    dropDirectAsks()
    const payload = {
      activityId: id,
      memberCode,
      direction: as,
      ...(confirm === 'walkIn' ? { walkIn: true } : {}),
      ...(confirm === 'confirmShort' ? { confirmShort: true } : {})
    }
    const reply = await activitiesApi.staffScan(payload)
    setBusy(false)
    if (isNetworkFailure(reply)) keep({ kind: 'staffScan', payload, scannedAt })
    else show(reply, memberCode, as)
  }

  /** The organiser confirmed what a queued scan's answer asked: sent again with its scan time. */
  const confirmQueued = async (done: Ask) => {
    const { scan, confirm } = done
    if (scan?.kind !== 'staffScan') return
    setBusy(true)
    settle(done)
    const extra = confirm === 'walkIn' ? { walkIn: true } : { confirmShort: true }
    const reply = await sendQueuedScan(scan, extra)
    setBusy(false)
    if (isNetworkFailure(reply)) keep({ ...scan, payload: { ...scan.payload, ...extra } })
    else show(reply, scan.payload.memberCode, scan.payload.direction, scan)
  }

  const { pending, uploading, uploadNow } = useOfflineScans(
    (scan) => scan.kind === 'staffScan' && scan.payload.activityId === id,
    (answers) => {
      for (const { scan, reply } of answers) if (scan.kind === 'staffScan') show(reply, scan.payload.memberCode, scan.payload.direction, scan)
    }
  )
  const scan = async () => {
    const text = await scanCode()
    if (text) await submit(text)
  }

  if (!hasPersona) return <PageContainer><LoadingState /></PageContainer>
  return (
    <PageContainer>
      {activity ? <Text className='vp__head'>{activity.title}</Text> : null}
      <Chips
        options={[
          { value: 'in' as Direction, label: '签到' },
          { value: 'out' as Direction, label: '签退' }
        ]}
        value={direction}
        onChange={(d) => {
          dropDirectAsks()
          setDirection(d)
        }}
      />
      {ask ? (
        <View className='vt-card'>
          {asks.length > 1 ? <Text className='vp__muted'>还有{asks.length - 1}项待确认</Text> : null}
          <Text className='vt-notice'>
            {ask.scan ? `${numberOf(ask.memberCode)}（${timeOf(isoOf(ask.scan.scannedAt))}扫码）：` : ''}
            {ask.message}
          </Text>
          <View className='vp__buttons'>
            <BigButton loading={busy} onClick={() => void (ask.scan ? confirmQueued(ask) : submit(ask.memberCode, ask.confirm, ask.direction))}>
              {ask.confirm === 'walkIn' ? '确认现场报名并签到' : '确认提前签退（不计时长）'}
            </BigButton>
            <BigButton fill='outline' onClick={() => settle(ask)}>
              取消
            </BigButton>
          </View>
        </View>
      ) : null}
      {pending.length > 0 ? (
        <View className='sc-pending'>
          <Text className='vt-notice'>有{pending.length}次无信号时的扫码等待上传，联网后自动上传。</Text>
          <View className='vp__buttons'>
            <BigButton fill='outline' loading={uploading} onClick={() => void uploadNow()}>
              立即上传
            </BigButton>
          </View>
        </View>
      ) : null}
      <View className='vp__buttons'>
        {canScan ? (
          <BigButton loading={busy} onClick={() => void scan()}>
            扫志愿者码{direction === 'in' ? '签到' : '签退'}
          </BigButton>
        ) : null}
      </View>
      <Text className='vp__label'>{canScan ? '扫不出来？输入志愿者码下方的完整编码' : '输入志愿者码下方的完整编码'}</Text>
      <CodeInput key={field} placeholder='例如 SFQ000123.Ab3dEf7h' action={direction === 'in' ? '签到' : '签退'} onSubmit={(code) => void submit(code)} />
      <Text className='vp__muted'>只输入志愿者编号无效，须输入含“.”后校验码的完整编码。</Text>
      <View className='vp__gap' />
      <Section title='本次记录'>
        {lines.length ? (
          lines.map((l, i) => (
            <Text key={l.scanId ?? i} className={l.state === 'ok' ? 'vt-notice vt-notice--ok' : l.state === 'queued' ? 'vt-notice' : 'vt-notice vt-notice--error'}>
              {l.text}
            </Text>
          ))
        ) : (
          <Text className='vt-empty-line'>还没有记录</Text>
        )}
      </Section>
    </PageContainer>
  )
}
