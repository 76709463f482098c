import { useState } from 'react'
import { Text, View } from '@tarojs/components'
import Taro, { usePullDownRefresh, useRouter } from '@tarojs/taro'
import { BigButton, EmptyState, ErrorState, LoadingState, PageContainer, Section } from '@/components'
import type { ReadStats } from '@contracts/notices'
import { CoverageRow, formatDateTime, noticesApi, percent } from '@/features/notices'
import { useRequirePersona } from '@/features/session'
import { useCall } from '@/services/cloud'
import { go } from '@/services/navigate'
import { urlOf } from '@/services/routes'
import '../notices.scss'

const PEOPLE_PAGE = 50

/**
 * 阅读情况: coverage of one notice, level by level (?id=&communityId=&gridId=&buildingId=): the
 * district per community, a community per compound and building, a compound per building, and in a
 * building the people who have not read it yet — for the 楼栋党小组 to follow up in person.
 */
export default function NoticeStatsPage() {
  const params = useRouter().params
  const id = params.id ?? ''
  const scope = { communityId: params.communityId || undefined, gridId: params.gridId || undefined, buildingId: params.buildingId || undefined }
  const hasPersona = useRequirePersona(urlOf('noticesStats', { id, ...scope }))
  const [page, setPage] = useState(1)
  const [people, setPeople] = useState<NonNullable<ReadStats['unreadPeople']>['items']>([])
  const { data, error, loading, reload } = useCall(async () => {
    const reply = await noticesApi.readStats({ noticeId: id, ...scope, page: 1, pageSize: PEOPLE_PAGE })
    if (reply.ok) {
      setPage(1)
      setPeople(reply.data.unreadPeople?.items ?? [])
    }
    Taro.stopPullDownRefresh()
    return reply
  }, [id, scope.communityId, scope.gridId, scope.buildingId, hasPersona])
  usePullDownRefresh(() => void reload())

  const more = async () => {
    const reply = await noticesApi.readStats({ noticeId: id, ...scope, page: page + 1, pageSize: PEOPLE_PAGE })
    if (!reply.ok) return Taro.showToast({ title: reply.error.message, icon: 'none' })
    setPage(page + 1)
    setPeople((list) => [...list, ...(reply.data.unreadPeople?.items ?? [])])
  }

  if (!hasPersona) return <PageContainer><LoadingState text='请先选择演示身份…' /></PageContainer>
  if (!data) return <PageContainer>{error && !loading ? <ErrorState error={error} onRetry={() => void reload()} /> : <LoadingState />}</PageContainer>

  const s = data
  const down = (query: Record<string, string>) => go('noticesStats', { id, ...query })
  const where = [s.scope.communityName, s.scope.gridName, s.scope.buildingName].filter(Boolean).join(' · ') || '全区'
  return (
    <PageContainer>
      <Section title={s.title} subtitle={where}>
        <Text className='np__note'>通知对象：{s.audienceLabel}</Text>
        <View className='np__big'>
          <Text className='np__big-number'>{percent(s.rate)}</Text>
          <Text className='np__big-unit'>
            已读 {s.read} 人 / 应读 {s.audience} 人
          </Text>
        </View>
        <View className='nt-bar'>
          <View className='nt-bar__fill' style={{ width: `${Math.round(s.rate * 100)}%` }} />
        </View>
        <Text className='np__note'>未读 {s.unread} 人{s.otherReaders ? `；另有 ${s.otherReaders} 位未登记住址的居民已读` : ''}</Text>
        <Text className='np__history' style={{ display: 'block' }}>
          应读人数按已登记住址的居民和党员统计，统计于 {formatDateTime(s.audienceCountedAt)}
        </Text>
      </Section>

      {s.byCommunity ? (
        <Section title='各社区阅读情况'>
          {s.byCommunity.length ? s.byCommunity.map((r) => <CoverageRow key={r.id} row={r} onClick={() => down({ communityId: r.id })} />) : <EmptyState title='暂无数据' wayOn={false} />}
        </Section>
      ) : null}
      {s.byGrid ? (
        <Section title='各小区阅读情况'>
          {s.byGrid.map((r) => (
            <CoverageRow key={r.id} row={r} onClick={() => down({ gridId: r.id })} />
          ))}
        </Section>
      ) : null}
      {s.byBuilding && s.scope.level !== 'building' ? (
        <Section title='各楼栋阅读情况' subtitle='点楼栋查看未读名单'>
          {s.byBuilding.length ? s.byBuilding.map((r) => <CoverageRow key={r.id} row={r} onClick={() => down({ buildingId: r.id })} />) : <EmptyState title='暂无已登记住址的居民' wayOn={false} />}
        </Section>
      ) : null}
      {s.unreadPeople ? (
        <Section title='未读名单' subtitle={`${s.unreadPeople.total} 人`}>
          {people.length ? (
            people.map((p, i) => (
              <View key={i} className='np__person'>
                <View>
                  <Text className='np__person-name'>{p.name}</Text>
                  <Text className={p.isMember ? 'nt-tag nt-tag--pin' : 'nt-tag nt-tag--muted'} style={{ marginLeft: '12px' }}>
                    {p.roleLabel}
                  </Text>
                </View>
                {p.mobileMasked ? <Text className='np__person-phone'>{p.mobileMasked}</Text> : null}
              </View>
            ))
          ) : (
            <EmptyState title='全部已读' description='这栋楼的居民都已阅读' wayOn={false} />
          )}
          {people.length < s.unreadPeople.total ? (
            <View className='np__more'>
              <BigButton fill='outline' onClick={() => void more()}>
                加载更多
              </BigButton>
            </View>
          ) : null}
        </Section>
      ) : null}
    </PageContainer>
  )
}
