import { useState } from 'react'
import { Text, View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh, useReachBottom } from '@tarojs/taro'
import { BigButton, EmptyState, ErrorState, LoadingState, PageContainer } from '@/components'
import { ActivityCard, activitiesApi, Chips, usePaged } from '@/features/volunteer'
import { hasRole, useMe, useRequirePersona } from '@/features/session'
import { go } from '@/services/navigate'
import { routes } from '@/services/routes'
import '../volunteer.scss'

type When = 'upcoming' | 'past' | 'all'
const WHEN = [
  { value: 'upcoming' as When, label: '进行中和未开始' },
  { value: 'past' as When, label: '已结束' },
  { value: 'all' as When, label: '全部（含已取消）' }
]

/** 活动管理: the organiser's activities (their community's, or the district's for district admins). */
export default function ManagePage() {
  const hasPersona = useRequirePersona(routes.volunteerManage)
  const { me } = useMe({ enabled: hasPersona })
  const [when, setWhen] = useState<When>('upcoming')
  const staff = hasRole(me, 'staff')
  const admin = hasRole(me, 'district_admin')
  const communityId = staff ? me?.scopes.communityIds[0] : undefined
  const list = usePaged(
    (page) =>
      activitiesApi.list({
        page,
        pageSize: 20,
        when,
        includeCancelled: when === 'all',
        ...(communityId ? { communityId, includeDistrict: false } : {})
      }),
    [when, communityId],
    hasPersona && Boolean(me)
  )
  useDidShow(() => void list.reload())
  usePullDownRefresh(() => void list.reload().then(() => Taro.stopPullDownRefresh()))
  useReachBottom(() => void list.more())

  if (!hasPersona || !me) return <PageContainer><LoadingState /></PageContainer>
  if (!staff && !admin) return <PageContainer><EmptyState title='仅社区工作人员可管理活动' /></PageContainer>
  const mine = admin && !staff ? list.items.filter((a) => a.communityId === null) : list.items

  return (
    <PageContainer>
      <Text className='vp__head'>{staff ? `${me.profile.communityName ?? '本社区'}的活动` : '区级活动'}</Text>
      <View className='vp__buttons'>
        <BigButton onClick={() => go('volunteerEdit', { kind: 'volunteer' })}>发布志愿服务活动</BigButton>
        <BigButton fill='outline' onClick={() => go('volunteerEdit', { kind: 'event' })}>
          发布邻里活动
        </BigButton>
      </View>
      <Chips options={WHEN} value={when} onChange={setWhen} />
      {list.error && !list.items.length ? (
        <ErrorState error={list.error} onRetry={() => void list.reload()} />
      ) : list.loading && !list.items.length ? (
        <LoadingState />
      ) : !mine.length ? (
        <EmptyState title='暂无活动' description='发布活动后，居民和党员可以在“活动”页报名参加' />
      ) : (
        <View>
          <Text className='vt-count'>共 {list.total} 个</Text>
          {mine.map((a) => (
            <ActivityCard key={a._id} activity={a} onClick={() => go('volunteerDetail', { id: a._id })} />
          ))}
          {list.hasMore ? (
            <View className='vt-more'>
              <BigButton fill='outline' loading={list.loading} onClick={() => void list.more()}>
                加载更多
              </BigButton>
            </View>
          ) : null}
        </View>
      )}
    </PageContainer>
  )
}
