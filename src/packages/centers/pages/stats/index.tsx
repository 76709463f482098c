import { useCallback, useEffect, useState } from 'react'
import { Text, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { BigButton, EmptyState, ErrorState, LoadingState, PageContainer, Section } from '@/components'
import type { Usage, Utilisation } from '@contracts/centers'
import type { ReplyError } from '@contracts/reply'
import { addDays, centersApi, Chips, dayKey, openFile, percent, RateBar } from '@/features/centers'
import { useRequirePersona } from '@/features/session'
import { routes } from '@/services/routes'
import '@/features/centers/components/centers-pages.scss'

type Range = 'thisWeek' | 'lastWeek' | 'thisMonth' | 'lastMonth'
const RANGES: { value: Range; label: string }[] = [
  { value: 'thisWeek', label: '本周' },
  { value: 'lastWeek', label: '上周' },
  { value: 'thisMonth', label: '本月' },
  { value: 'lastMonth', label: '上月' }
]

function rangeOf(r: Range): { from: string; to: string } {
  const today = dayKey()
  const weekday = new Date(`${today}T00:00:00Z`).getUTCDay() || 7
  const monday = addDays(today, 1 - weekday)
  if (r === 'thisWeek') return { from: monday, to: addDays(monday, 6) }
  if (r === 'lastWeek') return { from: addDays(monday, -7), to: addDays(monday, -1) }
  const first = `${today.slice(0, 7)}-01`
  if (r === 'thisMonth') return { from: first, to: addDays(`${addDays(first, 32).slice(0, 7)}-01`, -1) }
  const lastEnd = addDays(first, -1)
  return { from: `${lastEnd.slice(0, 7)}-01`, to: lastEnd }
}

const hours = (n: number) => `${Math.round(n * 10) / 10}小时`
/** "预约3小时 + 活动2小时" (活动 only when a centre event held the room). */
const held = (u: Pick<Usage, 'bookedHours' | 'eventHours'>) => `预约${hours(u.bookedHours)}${u.eventHours ? ` + 活动${hours(u.eventHours)}` : ''}`

/** 使用统计: (booked + event hours) / open hours per centre and room, by week and month; .xlsx export. */
export default function StatsPage() {
  const centerId = useRouter().params.centerId || undefined
  const hasPersona = useRequirePersona(routes.centersStats)
  const [range, setRange] = useState<Range>('thisWeek')
  const [data, setData] = useState<Utilisation>()
  const [error, setError] = useState<ReplyError>()
  const [loading, setLoading] = useState(true)
  const [exporting, setExporting] = useState(false)

  const load = useCallback(async () => {
    setLoading(true)
    const reply = await centersApi.utilisation({ centerId, ...rangeOf(range) })
    setLoading(false)
    if (!reply.ok) return setError(reply.error)
    setError(undefined)
    setData(reply.data)
  }, [range, centerId])
  useEffect(() => {
    if (hasPersona) void load()
  }, [hasPersona, load])

  const exportFile = async () => {
    setExporting(true)
    const reply = await centersApi.utilisation({ centerId, ...rangeOf(range), export: true })
    setExporting(false)
    if (!reply.ok || !reply.data.file) return Taro.showToast({ title: reply.ok ? '导出失败' : reply.error.message, icon: 'none' })
    await openFile(reply.data.file.url, reply.data.file.name).catch(() => Taro.showToast({ title: '文件已生成，请稍后重试打开', icon: 'none' }))
  }

  if (!hasPersona) return <PageContainer><LoadingState text='请先选择演示身份…' /></PageContainer>
  return (
    <PageContainer>
      <Chips options={RANGES} value={range} onChange={setRange} />
      {error ? (
        <ErrorState error={error} onRetry={() => void load()} />
      ) : loading && !data ? (
        <LoadingState />
      ) : !data || !data.centers.length ? (
        <EmptyState title='暂无已开放的邻里中心' />
      ) : (
        <View>
          <View className='ct-card'>
            <Text className='ct-line ct-line--muted'>{data.from} 至 {data.to}</Text>
            <View className='ct-figure'>
              <View className='ct-figure__item'>
                <Text className='ct-figure__value'>{percent(data.total.rate)}</Text>
                <Text className='ct-figure__label'>总体使用率</Text>
              </View>
              <View className='ct-figure__item'>
                <Text className='ct-figure__value'>{hours(data.total.openHours)}</Text>
                <Text className='ct-figure__label'>开放时长</Text>
              </View>
              <View className='ct-figure__item'>
                <Text className='ct-figure__value'>{hours(data.total.bookedHours)}</Text>
                <Text className='ct-figure__label'>预约时长</Text>
              </View>
              <View className='ct-figure__item'>
                <Text className='ct-figure__value'>{hours(data.total.eventHours)}</Text>
                <Text className='ct-figure__label'>活动时长</Text>
              </View>
              <View className='ct-figure__item'>
                <Text className='ct-figure__value'>{hours(data.total.usedHours)}</Text>
                <Text className='ct-figure__label'>签到使用</Text>
              </View>
              <View className='ct-figure__item'>
                <Text className='ct-figure__value'>{hours(data.total.noShowHours)}</Text>
                <Text className='ct-figure__label'>未签到释放</Text>
              </View>
            </View>
            <BigButton loading={exporting} onClick={() => void exportFile()}>导出 Excel 报表</BigButton>
          </View>
          {data.centers.map((c) => (
            <Section key={c.centerId} title={c.name}>
              <RateBar label='中心合计' rate={c.rate} detail={`${held(c)} / 开放${hours(c.openHours)}`} />
              {c.rooms.map((r) => (
                <RateBar key={r.roomId} label={r.name} rate={r.rate} detail={`${held(r)} / 开放${hours(r.openHours)}${r.noShowHours ? `，未签到${hours(r.noShowHours)}` : ''}`} />
              ))}
              {c.weeks.length > 1 ? (
                <View>
                  <Text className='ct-form__label'>按周</Text>
                  {c.weeks.map((w) => (
                    <Text key={w.key} className='ct-line'>{w.label}：{percent(w.rate)}（{held(w)}）</Text>
                  ))}
                </View>
              ) : null}
            </Section>
          ))}
        </View>
      )}
    </PageContainer>
  )
}
