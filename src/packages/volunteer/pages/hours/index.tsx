import { useEffect, useState } from 'react'
import { Text, View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh, useReachBottom } from '@tarojs/taro'
import { BigButton, EmptyState, ErrorState, LoadingState, PageContainer, Section } from '@/components'
import type { MyHours, ServiceRecord } from '@contracts/activities'
import type { ReplyError } from '@contracts/reply'
import { activitiesApi, hours, RecordRow, Stats, Tools } from '@/features/volunteer'
import { useRequirePersona } from '@/features/session'
import { go } from '@/services/navigate'
import { routes } from '@/services/routes'
import '@/features/volunteer/components/volunteer-pages.scss'
import '../volunteer.scss'

const PAGE_SIZE = 20

/**
 * 我的服务时长: verified and pending hours, by year, category and issuing organisation (one
 * certificate each), every record, and the way to the certificate, the personal code and the ranking.
 */
export default function HoursPage() {
  const hasPersona = useRequirePersona(routes.volunteerHours)
  const [data, setData] = useState<MyHours>()
  const [records, setRecords] = useState<ServiceRecord[]>([])
  const [page, setPage] = useState(1)
  const [error, setError] = useState<ReplyError>()
  const [loading, setLoading] = useState(true)

  const load = async (next: number) => {
    setLoading(true)
    const reply = await activitiesApi.myHours({ page: next, pageSize: PAGE_SIZE })
    setLoading(false)
    Taro.stopPullDownRefresh()
    if (!reply.ok) return setError(reply.error)
    setError(undefined)
    setData(reply.data)
    setRecords((prev) => (next === 1 ? reply.data.records.items : [...prev, ...reply.data.records.items]))
    setPage(next)
  }
  useEffect(() => {
    if (hasPersona) void load(1)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [hasPersona])
  useDidShow(() => {
    if (data) void load(1)
  })
  usePullDownRefresh(() => void load(1))
  const hasMore = data ? records.length < data.records.total : false
  useReachBottom(() => {
    if (hasMore && !loading) void load(page + 1)
  })

  if (!hasPersona) return <PageContainer><LoadingState /></PageContainer>
  if (!data) return <PageContainer>{error ? <ErrorState error={error} onRetry={() => void load(1)} /> : <LoadingState />}</PageContainer>

  return (
    <PageContainer>
      <Text className='vp__head'>{data.name}</Text>
      <Text className='vp__sub'>{data.volunteerNo ? `志愿者编号 ${data.volunteerNo}` : '首次认定服务时长后获得志愿者编号'}</Text>
      <Stats
        hero
        items={[
          { label: '已认定（小时）', value: hours(data.verifiedMinutes) },
          { label: '待审核（小时）', value: hours(data.pendingMinutes) },
          { label: '服务次数', value: data.verifiedRecords }
        ]}
      />
      <Tools
        tools={[
          { key: 'code', label: '我的志愿者码', badge: '码', onClick: () => go('volunteerMyCode') },
          { key: 'ranking', label: '服务排行', badge: '榜', onClick: () => go('volunteerRanking') },
          { key: 'teams', label: '我的队伍', badge: '队', onClick: () => go('volunteerTeams', { mine: 1 }) }
        ]}
      />
      <Section title='开具志愿服务证明' subtitle='按组织单位分别出具'>
        {data.byIssuer.length ? (
          data.byIssuer.map((row) => (
            <View key={row.key} className='vt-row'>
              <View className='vt-row__main'>
                <Text className='vt-row__title'>{row.name}</Text>
                <Text className='vt-row__sub'>
                  已认定 {hours(row.minutes)} 小时 · {row.records} 次
                </Text>
              </View>
              <Text className='vt-row__action' onClick={() => go('volunteerCertificate', { issuerId: row.key })}>
                开具证明
              </Text>
            </View>
          ))
        ) : (
          <Text className='vt-empty-line'>服务时长经社区认定后，即可开具证明</Text>
        )}
      </Section>
      {data.byCategory.length ? (
        <Section title='服务类别'>
          {data.byCategory.map((row) => (
            <View key={row.key} className='vt-row'>
              <View className='vt-row__main'>
                <Text className='vt-row__title'>{row.key}</Text>
                <Text className='vt-row__sub'>{row.records} 次</Text>
              </View>
              <Text className='vt-row__value'>{hours(row.minutes)} 小时</Text>
            </View>
          ))}
          {data.byYear.length > 1
            ? data.byYear.map((row) => (
                <Text key={row.key} className='vp__muted'>
                  {row.key}年：{hours(row.minutes)} 小时（{row.records} 次）
                </Text>
              ))
            : null}
        </Section>
      ) : null}
      <Section title='服务记录' subtitle={`共 ${data.records.total} 条`}>
        {records.length ? records.map((r) => <RecordRow key={r._id} record={r} />) : (
          <EmptyState title='还没有服务记录' description='报名参加志愿服务活动，现场扫码签到签退即可记录时长'>
            <BigButton onClick={() => go('activities')}>去报名志愿活动</BigButton>
          </EmptyState>
        )}
      </Section>
      {hasMore ? (
        <View className='vt-more'>
          <BigButton fill='outline' loading={loading} onClick={() => void load(page + 1)}>
            加载更多
          </BigButton>
        </View>
      ) : null}
    </PageContainer>
  )
}
