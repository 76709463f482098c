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

/**
 * The organiser checks in (or out) people without a phone by scanning the personal code printed
 * on their card (我的志愿者码), or typing the volunteer number under it.
 */
export default function StaffScanPage() {
  const id = useRouter().params.id ?? ''
  const hasPersona = useRequirePersona(urlOf('volunteerScan', { id }))
  const { data: activity } = useCall(() => activitiesApi.get({ activityId: id }), [id, hasPersona])
  const [direction, setDirection] = useState<Direction>('in')
  const [busy, setBusy] = useState(false)
  const [lines, setLines] = useState<Line[]>([])

  const submit = async (memberCode: string) => {
    setBusy(true)
    const reply = await activitiesApi.staffScan({ activityId: id, memberCode, direction })
    setBusy(false)
    const line: Line = reply.ok
      ? {
          ok: true,
          text: `${reply.data.volunteerName ?? '志愿者'} ${reply.data.already ? '已' : ''}${direction === 'in' ? '签到' : '签退'} ${timeOf(reply.data.at)}${
            reply.data.minutes !== undefined && direction === 'out' ? `，服务${duration(reply.data.minutes)}` : ''
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
        onChange={setDirection}
      />
      <View className='vp__buttons'>
        {canScan ? (
          <BigButton loading={busy} onClick={() => void scan()}>
            扫志愿者码{direction === 'in' ? '签到' : '签退'}
          </BigButton>
        ) : null}
      </View>
      <Text className='vp__label'>{canScan ? '或输入志愿者编号' : '输入志愿者码或志愿者编号'}</Text>
      <CodeInput placeholder='例如 SFQ000123' action={direction === 'in' ? '签到' : '签退'} onSubmit={(code) => void submit(code)} />
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
