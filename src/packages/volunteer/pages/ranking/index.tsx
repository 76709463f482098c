import { useEffect, useRef, useState } from 'react'
import { Text, View } from '@tarojs/components'
import Taro, { usePullDownRefresh } from '@tarojs/taro'
import { BigButton, EmptyState, ErrorState, LoadingState, PageContainer, Section } from '@/components'
import type { Ranking } from '@contracts/activities'
import type { ReplyError } from '@contracts/reply'
import { activitiesApi, Chips, hours } from '@/features/volunteer'
import { useRequirePersona } from '@/features/session'
import { routes } from '@/services/routes'
import '@/features/volunteer/components/volunteer-pages.scss'
import '../volunteer.scss'

type Period = 'year' | 'all'

/**
 * The community's verified hours, highest first. Appearing by name is opt-in: everyone else is
 * 匿名志愿者; the switch here is where a volunteer chooses to be shown.
 */
export default function RankingPage() {
  const hasPersona = useRequirePersona(routes.volunteerRanking)
  const [period, setPeriod] = useState<Period>('year')
  const [data, setData] = useState<Ranking>()
  const [error, setError] = useState<ReplyError>()
  const [busy, setBusy] = useState(false)
  const [pageSize, setPageSize] = useState(20)
  const chosen = useRef(false)
  const year = new Date(Date.now() + 8 * 3600_000).getUTCFullYear()

  const load = async () => {
    const reply = await activitiesApi.ranking({ pageSize, ...(period === 'year' ? { year } : {}) })
    Taro.stopPullDownRefresh()
    if (!reply.ok) return setError(reply.error)
    setError(undefined)
    // Early in a year this year's list may still be empty: open on 累计 then, unless chosen.
    if (period === 'year' && !chosen.current && !reply.data.total) return setPeriod('all')
    setData(reply.data)
  }
  useEffect(() => {
    if (hasPersona) void load()
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [hasPersona, period, pageSize])
  usePullDownRefresh(() => void load())

  if (!hasPersona) return <PageContainer><LoadingState /></PageContainer>
  if (!data) return <PageContainer>{error ? <ErrorState error={error} onRetry={() => void load()} /> : <LoadingState />}</PageContainer>

  const toggle = async () => {
    setBusy(true)
    const reply = await activitiesApi.setPreferences({ rankingOptIn: !data.me.optIn })
    setBusy(false)
    if (!reply.ok) return void Taro.showToast({ title: reply.error.message, icon: 'none' })
    void load()
  }

  return (
    <PageContainer>
      <Text className='vp__head'>{data.communityName}志愿服务排行</Text>
      <Chips
        options={[
          { value: 'year' as Period, label: `${year}年` },
          { value: 'all' as Period, label: '累计' }
        ]}
        value={period}
        onChange={(p) => {
          chosen.current = true
          setPeriod(p)
        }}
      />
      <View className='vt-card'>
        <Text className='vp__info'>{data.me.rank ? `我的排名：第 ${data.me.rank} 名，${hours(data.me.minutes)} 小时` : '您在本社区暂无已认定的服务时长'}</Text>
        <View className='vp__switch' onClick={() => void toggle()}>
          <Text>在排行榜上显示我的姓名和志愿者编号</Text>
          <Text className={data.me.optIn ? 'vp__switch-state vp__switch-state--on' : 'vp__switch-state'}>{busy ? '…' : data.me.optIn ? '已显示' : '未开启'}</Text>
        </View>
        <Text className='vp__muted'>{data.me.optIn ? '您已同意在排行榜上公开姓名，可随时关闭。' : '未开启时，您在排行榜上显示为“匿名志愿者”。'}</Text>
      </View>
      {data.items.length ? (
        <Section title={`共 ${data.total} 位志愿者`}>
          {data.items.map((row) => (
            <View key={`${row.rank}-${row.volunteerNo ?? row.name}-${row.minutes}`} className='vt-row'>
              <Text className={row.rank <= 3 ? 'vp__rank vp__rank--top' : 'vp__rank'}>{row.rank}</Text>
              <View className='vt-row__main'>
                <Text className='vt-row__title'>
                  {row.name}
                  {row.isMe ? '（我）' : ''}
                </Text>
                {row.volunteerNo ? <Text className='vt-row__sub'>{row.volunteerNo}</Text> : null}
              </View>
              <Text className='vt-row__value'>{hours(row.minutes)} 小时</Text>
            </View>
          ))}
        </Section>
      ) : (
        <EmptyState title='暂无排行' description='服务时长经社区认定后计入排行' />
      )}
      {data.items.length < data.total ? (
        <View className='vt-more'>
          <BigButton fill='outline' onClick={() => setPageSize(Math.min(100, pageSize + 20))}>
            查看更多
          </BigButton>
        </View>
      ) : null}
    </PageContainer>
  )
}
