import { useState } from 'react'
import { Text, View } from '@tarojs/components'
import { useRouter } from '@tarojs/taro'
import { BigButton, LoadingState, PageContainer, Section } from '@/components'
import { activitiesApi, canScan, Chips, CodeInput, duration, scanCode, timeOf } from '@/features/volunteer'
import { useRequirePersona } from '@/features/session'
import { useCall } from '@/services/cloud'
import { urlOf } from '@/services/routes'
import '../volunteer.scss'

type Direction = 'in' | 'out'
interface Line {
  ok: boolean
  text: string
}
/** A scan the server wants the organiser to confirm: a walk-in, or a check-out before the minimum. */
interface Ask {
  memberCode: string
  direction: Direction
  confirm: 'walkIn' | 'confirmShort'
  message: string
}

/**
 * The organiser checks in (or out) people without a phone by scanning the personal code printed
 * on their card (我的志愿者码), or typing the full code printed under it (a volunteer number alone
 * is refused: numbers are consecutive). Someone who did not sign up is checked in only after the
 * organiser confirms the walk-in; a check-out before the minimum service only after confirming it.
 */
export default function StaffScanPage() {
  const id = useRouter().params.id ?? ''
  const hasPersona = useRequirePersona(urlOf('volunteerScan', { id }))
  const { data: activity } = useCall(() => activitiesApi.get({ activityId: id }), [id, hasPersona])
  const [direction, setDirection] = useState<Direction>('in')
  const [busy, setBusy] = useState(false)
  const [lines, setLines] = useState<Line[]>([])
  const [ask, setAsk] = useState<Ask>()

  const submit = async (memberCode: string, confirm?: Ask['confirm'], as: Direction = direction) => {
    setBusy(true)
    setAsk(undefined)
    const reply = await activitiesApi.staffScan({
      activityId: id,
      memberCode,
      direction: as,
      ...(confirm === 'walkIn' ? { walkIn: true } : {}),
      ...(confirm === 'confirmShort' ? { confirmShort: true } : {})
    })
    setBusy(false)
    const needs = !reply.ok && reply.error.code === 'CONFLICT' ? reply.error.fields?.find((f): f is Ask['confirm'] => f === 'walkIn' || f === 'confirmShort') : undefined
    if (!reply.ok && needs) {
      setAsk({ memberCode, direction: as, confirm: needs, message: reply.error.message })
      return
    }
    const line: Line = reply.ok
      ? {
          ok: true,
          text: `${reply.data.volunteerName ?? '志愿者'} ${reply.data.already ? '已' : ''}${as === 'in' ? '签到' : '签退'} ${timeOf(reply.data.at)}${
            reply.data.minutes !== undefined && as === 'out' ? `，服务${duration(reply.data.minutes)}` : ''
          }${reply.data.walkIn ? '（现场报名）' : ''}`
        }
      : { ok: false, text: reply.error.message }
    setLines((prev) => [line, ...prev].slice(0, 30))
  }
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
          setAsk(undefined)
          setDirection(d)
        }}
      />
      {ask ? (
        <View className='vt-card'>
          <Text className='vt-notice'>{ask.message}</Text>
          <View className='vp__buttons'>
            <BigButton loading={busy} onClick={() => void submit(ask.memberCode, ask.confirm, ask.direction)}>
              {ask.confirm === 'walkIn' ? '确认现场报名并签到' : '确认提前签退（不计时长）'}
            </BigButton>
            <BigButton fill='outline' onClick={() => setAsk(undefined)}>
              取消
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
      <CodeInput placeholder='例如 SFQ000123.Ab3dEf7h' action={direction === 'in' ? '签到' : '签退'} onSubmit={(code) => void submit(code)} />
      <Text className='vp__muted'>只输入志愿者编号无效，须输入含“.”后校验码的完整编码。</Text>
      <View className='vp__gap' />
      <Section title='本次记录'>
        {lines.length ? (
          lines.map((l, i) => (
            <Text key={i} className={l.ok ? 'vt-notice vt-notice--ok' : 'vt-notice vt-notice--error'}>
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
