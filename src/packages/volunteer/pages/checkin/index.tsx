import { useEffect, useRef, useState } from 'react'
import { Text, View } from '@tarojs/components'
import { useRouter } from '@tarojs/taro'
import { BigButton, LoadingState, PageContainer } from '@/components'
import { MIN_SERVICE_MINUTES, type ActivityDetail, type CheckResult } from '@contracts/activities'
import { activitiesApi, activityIdOfToken, canScan, CodeInput, currentLocation, duration, rangeLabel, scanCode, timeOf } from '@/features/volunteer'
import { useRequirePersona } from '@/features/session'
import { go } from '@/services/navigate'
import { urlOf } from '@/services/routes'
import '../volunteer.scss'

type Outcome = { kind: 'done'; result: CheckResult } | { kind: 'error'; message: string } | { kind: 'confirmShort'; message: string }

/**
 * Where a scanned check-in code lands (the QR's H5 link `?t=<token>`, a mini-program `scene`, or
 * WeChat's `q`), and where "扫码签到" in the app leads. Scanning checks in at once (one step for an
 * elderly volunteer); someone already checked in is offered 签退 with one big button. The code
 * checks in only those signed up (the server says so to anyone else); a check-out before the
 * minimum service (MIN_SERVICE_MINUTES) is asked to be confirmed, and then counts nothing.
 */
export default function CheckinPage() {
  const params = useRouter().params
  const initial = params.t || params.scene || params.q || ''
  const hasPersona = useRequirePersona(urlOf('volunteerCheckin', { t: initial || undefined, activityId: params.activityId }))
  const [token, setToken] = useState(initial ? decodeURIComponent(initial) : '')
  const [activity, setActivity] = useState<ActivityDetail>()
  const [busy, setBusy] = useState(false)
  const [outcome, setOutcome] = useState<Outcome>()
  const autoTried = useRef('')

  const activityId = (token && activityIdOfToken(token)) || params.activityId || ''

  useEffect(() => {
    if (!hasPersona || !activityId) return
    void activitiesApi.get({ activityId }).then((reply) => {
      if (reply.ok) setActivity(reply.data)
      else setOutcome({ kind: 'error', message: reply.error.message })
    })
  }, [hasPersona, activityId])

  // A record closed automatically at the end (no check-out yet) may still be checked out within the grace period.
  const record = activity?.myRecord
  const autoClosed = Boolean(record?.autoClosed && record.status === 'pending')
  const checkedIn = Boolean(activity && (record?.status === 'open' || autoClosed || (activity.mySignUp?.checkedInAt && !activity.mySignUp.checkedOutAt)))
  const finished = Boolean(activity && ((record?.checkOutAt && !autoClosed) || activity.mySignUp?.checkedOutAt))

  const run = async (direction: 'in' | 'out', code = token, confirmShort = false) => {
    if (!activity) return
    setBusy(true)
    let location
    if (direction === 'in' && activity.place.coordinates) {
      location = await currentLocation()
      if (!location) {
        setBusy(false)
        setOutcome({ kind: 'error', message: '本活动需要在现场签到，请允许“红邻”获取您的位置后重试' })
        return
      }
    }
    const input = { token: code, activityId: params.activityId || undefined, ...(location ? { location } : {}) }
    const reply = direction === 'in' ? await activitiesApi.checkIn(input) : await activitiesApi.checkOut({ ...input, ...(confirmShort ? { confirmShort: true } : {}) })
    setBusy(false)
    if (!reply.ok && direction === 'out' && reply.error.code === 'CONFLICT' && reply.error.fields?.includes('confirmShort')) {
      setOutcome({ kind: 'confirmShort', message: reply.error.message })
      return
    }
    setOutcome(reply.ok ? { kind: 'done', result: reply.data } : { kind: 'error', message: reply.error.message })
    const fresh = await activitiesApi.get({ activityId: activity._id })
    if (fresh.ok) setActivity(fresh.data)
  }

  // Arriving from a scan: check in straight away (not out: that waits for a tap).
  useEffect(() => {
    if (!activity || !token || autoTried.current === token || outcome) return
    autoTried.current = token
    if (!checkedIn && !finished) void run('in')
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [activity, token])

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

      <View className='vp__buttons'>
        {activity && token && checkedIn && !finished && outcome?.kind === 'confirmShort' ? (
          <BigButton loading={busy} onClick={() => void run('out', token, true)}>
            确认提前签退（不计时长）
          </BigButton>
        ) : activity && token && checkedIn && !finished && !(outcome?.kind === 'done' && outcome.result.direction === 'out') ? (
          <BigButton loading={busy} onClick={() => void run('out')}>
            确认签退
          </BigButton>
        ) : null}
        {activity && token && !checkedIn && !finished && outcome?.kind === 'error' ? (
          <BigButton loading={busy} onClick={() => void run('in')}>
            重新签到
          </BigButton>
        ) : null}
        {canScan ? (
          <BigButton fill={token ? 'outline' : 'solid'} onClick={() => void scanAgain()}>
            {token ? '重新扫码' : '扫描签到码'}
          </BigButton>
        ) : null}
      </View>
      {!canScan || !token ? (
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
