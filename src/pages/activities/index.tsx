import { useState } from 'react'
import { Text, View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh, useReachBottom } from '@tarojs/taro'
import { BigButton, EmptyState, ErrorState, LoadingState, PageContainer } from '@/components'
import { ACTIVITY_CATEGORIES, type ActivityCategory } from '@/contracts/activities'
import { ActivityCard, activitiesApi, Chips, Tools, usePaged, type Tool } from '@/features/volunteer'
import { hasRole, useMe, useRequirePersona } from '@/features/session'
import { go } from '@/services/navigate'
import { routes } from '@/services/routes'
import './index.scss'

type Kind = 'all' | 'volunteer' | 'event'
type When = 'upcoming' | 'mine' | 'past'
type Scope = 'mine' | 'district'
type Category = ActivityCategory | 'all'

const KINDS = [
  { value: 'all' as Kind, label: '全部' },
  { value: 'volunteer' as Kind, label: '志愿服务' },
  { value: 'event' as Kind, label: '邻里活动' }
]
const WHEN = [
  { value: 'upcoming' as When, label: '近期活动' },
  { value: 'mine' as When, label: '我报名的' },
  { value: 'past' as When, label: '往期回顾' }
]
const CATEGORIES = [{ value: 'all' as Category, label: '全部类别' }, ...ACTIVITY_CATEGORIES.map((c) => ({ value: c as Category, label: c }))]

/** 活动: browse volunteer activities and neighbourhood events, sign up, see my hours. */
export default function ActivitiesPage() {
  const hasPersona = useRequirePersona(routes.activities)
  const { me } = useMe({ enabled: hasPersona })
  const [kind, setKind] = useState<Kind>('all')
  const [when, setWhen] = useState<When>('upcoming')
  const [scope, setScope] = useState<Scope>('mine')
  const [category, setCategory] = useState<Category>('all')
  const communityId = me?.profile.communityId ?? me?.scopes.communityIds[0]
  const list = usePaged(
    (page) =>
      activitiesApi.list({
        page,
        pageSize: 10,
        when: when === 'past' ? 'past' : 'upcoming',
        mine: when === 'mine',
        ...(kind !== 'all' ? { kind } : {}),
        ...(category !== 'all' && kind !== 'event' ? { category } : {}),
        ...(scope === 'mine' && communityId && when !== 'mine' ? { communityId } : {})
      }),
    [kind, when, scope, category, communityId],
    hasPersona && Boolean(me)
  )
  useDidShow(() => {
    if (me) void list.reload()
  })
  usePullDownRefresh(() => void list.reload().then(() => Taro.stopPullDownRefresh()))
  useReachBottom(() => void list.more())

  if (!hasPersona) return <PageContainer><LoadingState text='请先选择演示身份…' /></PageContainer>
  if (!me) return <PageContainer><LoadingState /></PageContainer>

  const organiser = hasRole(me, 'staff') || hasRole(me, 'district_admin')
  const tools: Tool[] = [
    { key: 'hours', label: '我的服务时长', badge: '时', onClick: () => go('volunteerHours') },
    { key: 'code', label: '我的志愿者码', badge: '码', onClick: () => go('volunteerMyCode') },
    { key: 'ranking', label: '服务排行', badge: '榜', onClick: () => go('volunteerRanking') },
    { key: 'teams', label: '工作队·突击队', badge: '队', onClick: () => go('volunteerTeams') },
    { key: 'checkin', label: '扫码签到', badge: '签', onClick: () => go('volunteerCheckin') },
    ...(organiser ? [{ key: 'manage', label: '活动管理', badge: '管', onClick: () => go('volunteerManage') }] : [])
  ]

  return (
    <PageContainer>
      <Tools tools={tools} />
      <Chips options={WHEN} value={when} onChange={setWhen} />
      <Chips options={KINDS} value={kind} onChange={setKind} />
      {when !== 'mine' && communityId ? (
        <Chips
          options={[
            { value: 'mine' as Scope, label: `${me.profile.communityName ?? '本社区'}` },
            { value: 'district' as Scope, label: '全区' }
          ]}
          value={scope}
          onChange={setScope}
        />
      ) : null}
      {kind !== 'event' ? (
        <View className='activities__categories'>
          <Chips options={CATEGORIES} value={category} onChange={setCategory} scroll />
        </View>
      ) : null}
      {list.error && !list.items.length ? (
        <ErrorState error={list.error} onRetry={() => void list.reload()} />
      ) : list.loading && !list.items.length ? (
        <LoadingState />
      ) : !list.items.length ? (
        <EmptyState
          title={when === 'mine' ? '您还没有报名活动' : '暂时没有活动'}
          description={when === 'mine' ? '在“近期活动”里选择感兴趣的活动报名吧' : '社区发布新活动后会显示在这里'}
        />
      ) : (
        <View>
          <Text className='vt-count'>共 {list.total} 个活动</Text>
          {list.items.map((a) => (
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
