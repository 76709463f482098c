import { useState } from 'react'
import { Text, View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh, useReachBottom } from '@tarojs/taro'
import { BigButton, EmptyState, ErrorState, LoadingState, PageContainer } from '@/components'
import { ACTIVITY_CATEGORIES, type ActivityCategory } from '@contracts/activityLabels'
import { ActivityCard, activitiesApi, Chips, Tools, usePaged, type Tool } from '@/features/volunteer/tab'
import { hasRole, useMe, useRequirePersona } from '@/features/session'
import { go, peekTabIntent, takeTabIntent } from '@/services/navigate'
import { routes } from '@/services/routes'
import './index.scss'

type Kind = 'all' | 'volunteer' | 'event' | 'scope:mine' | 'scope:district'
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
  // 我的 → 我的报名 opens this tab on 我报名的 (a tab intent: switchTab carries no query).
  const [when, setWhen] = useState<When>(() => (peekTabIntent('activities')?.when === 'mine' ? 'mine' : 'upcoming'))
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
        ...(kind === 'volunteer' || kind === 'event' ? { kind } : {}),
        ...(category !== 'all' && kind === 'volunteer' ? { category } : {}),
        ...(scope === 'mine' && communityId && when !== 'mine' ? { communityId } : {})
      }),
    [kind, when, scope, category, communityId],
    hasPersona && Boolean(me)
  )
  useDidShow(() => {
    if (takeTabIntent('activities')?.when === 'mine' && (when !== 'mine' || kind !== 'all')) {
      setWhen('mine')
      return setKind('all')
    }
    if (me) void list.reload()
  })
  usePullDownRefresh(() => void list.reload().then(() => Taro.stopPullDownRefresh()))
  useReachBottom(() => void list.more())

  if (!hasPersona) return <PageContainer><LoadingState text='请先选择演示身份…' /></PageContainer>
  if (!me) return <PageContainer><LoadingState /></PageContainer>

  const organiser = hasRole(me, 'staff') || hasRole(me, 'district_admin')
  const tools: Tool[] = [
    { key: 'hours', label: '服务时长', badge: '时', onClick: () => go('volunteerHours') },
    { key: 'code', label: '志愿者码', badge: '码', onClick: () => go('volunteerMyCode') },
    { key: 'checkin', label: '扫码签到', badge: '签', onClick: () => go('volunteerCheckin') },
    { key: 'ranking', label: '服务排行', badge: '榜', onClick: () => go('volunteerRanking') }
  ]
  const scopeName = me.profile.communityName ?? '本社区'

  return (
    <PageContainer>
      <Tools tools={tools} columns={4} />
      {organiser ? (
        <View className='activities__manage' onClick={() => go('volunteerManage')}>
          <Text>活动管理：发布活动、签到码、时长审核</Text>
          <Text className='activities__manage-go'>进入 ›</Text>
        </View>
      ) : null}
      <Chips options={WHEN} value={when} onChange={setWhen} />
      <Chips
        options={[...KINDS, ...(when !== 'mine' && communityId ? [{ value: (scope === 'mine' ? 'scope:district' : 'scope:mine') as Kind, label: scope === 'mine' ? `${scopeName} ⇄ 全区` : `全区 ⇄ ${scopeName}` }] : [])]}
        value={kind}
        onChange={(value) => (value.startsWith('scope:') ? setScope(value === 'scope:district' ? 'district' : 'mine') : setKind(value))}
      />
      {kind === 'volunteer' ? <Chips options={CATEGORIES} value={category} onChange={setCategory} scroll /> : null}
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
          <Text className='vt-count'>
            {when === 'mine' ? '我报名的' : scope === 'mine' && communityId ? `${scopeName}及区级` : '全区'}活动共 {list.total} 个
          </Text>
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
