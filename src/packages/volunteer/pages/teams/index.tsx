import { useState } from 'react'
import { Text, View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh, useReachBottom, useRouter } from '@tarojs/taro'
import { BigButton, EmptyState, ErrorState, LoadingState, PageContainer } from '@/components'
import { TEAM_TYPE_LABELS, type TeamSummary, type TeamType } from '@contracts/teams'
import { Chips, Sheet, Tag, teamsApi, usePaged } from '@/features/volunteer'
import { hasRole, useMe, useRequirePersona } from '@/features/session'
import { useCall } from '@/services/cloud'
import { go } from '@/services/navigate'
import { urlOf } from '@/services/routes'
import '../volunteer.scss'

type Filter = TeamType | 'all' | 'mine'

/** The teams of a community (联系社区工作队, 党员应急突击队); staff form new ones. */
export default function TeamsPage() {
  const mineFirst = useRouter().params.mine === '1'
  const hasPersona = useRequirePersona(urlOf('volunteerTeams'))
  const { me } = useMe({ enabled: hasPersona })
  const [filter, setFilter] = useState<Filter>(mineFirst ? 'mine' : 'all')
  const [creating, setCreating] = useState(false)
  const communityId = me?.profile.communityId ?? me?.scopes.communityIds[0]
  const list = usePaged(
    (page) => teamsApi.list({ page, pageSize: 20, ...(communityId ? { communityId } : {}), ...(filter === 'liaison' || filter === 'emergency' ? { type: filter } : {}) }),
    [filter, communityId],
    hasPersona && Boolean(me) && filter !== 'mine'
  )
  const mine = useCall(() => teamsApi.myTeams(), [hasPersona])
  useDidShow(() => {
    if (me) void list.reload()
  })
  usePullDownRefresh(() => void Promise.all([list.reload(), mine.reload()]).then(() => Taro.stopPullDownRefresh()))
  useReachBottom(() => void list.more())

  if (!hasPersona || !me) return <PageContainer><LoadingState /></PageContainer>
  const keeper = hasRole(me, 'staff')
  const items: TeamSummary[] = filter === 'mine' ? (mine.data?.items ?? []) : list.items
  const loading = filter === 'mine' ? mine.loading : list.loading
  const error = filter === 'mine' ? mine.error : list.error

  return (
    <PageContainer>
      <Text className='vp__head'>{me.profile.communityName ?? '全区'}的队伍</Text>
      <Chips
        options={[
          { value: 'all' as Filter, label: '全部' },
          { value: 'liaison' as Filter, label: TEAM_TYPE_LABELS.liaison },
          { value: 'emergency' as Filter, label: TEAM_TYPE_LABELS.emergency },
          { value: 'mine' as Filter, label: '我加入的' }
        ]}
        value={filter}
        onChange={setFilter}
      />
      {keeper ? (
        <View className='vp__buttons'>
          <BigButton onClick={() => setCreating(true)}>组建队伍</BigButton>
        </View>
      ) : null}
      {error && !items.length ? (
        <ErrorState error={error} onRetry={() => void list.reload()} />
      ) : loading && !items.length ? (
        <LoadingState />
      ) : !items.length ? (
        <EmptyState title={filter === 'mine' ? '您还没有加入队伍' : '暂无队伍'} description={filter === 'mine' ? '社区工作人员可将您编入工作队或突击队' : undefined} />
      ) : (
        <View>
          {filter !== 'mine' ? <Text className='vt-count'>共 {list.total} 支</Text> : null}
          {items.map((t) => (
            <View key={t._id} className='vt-card' hoverClass='vt-card--pressed' onClick={() => go('volunteerTeam', { id: t._id })}>
              <View className='vt-card__tags'>
                <Tag tone={t.type === 'emergency' ? 'solid' : 'red'}>{TEAM_TYPE_LABELS[t.type]}</Tag>
              </View>
              <Text className='vt-card__title'>{t.name}</Text>
              <Text className='vt-card__line'>
                {t.memberCount} 名队员{t.leaderName ? ` · 队长 ${t.leaderName}` : ''}
              </Text>
              {t.unit ? <Text className='vt-card__line'>派出单位：{t.unit}</Text> : null}
            </View>
          ))}
          {filter !== 'mine' && list.hasMore ? (
            <View className='vt-more'>
              <BigButton fill='outline' loading={list.loading} onClick={() => void list.more()}>
                加载更多
              </BigButton>
            </View>
          ) : null}
        </View>
      )}
      <Sheet
        open={creating}
        title='组建队伍'
        fields={[
          { key: 'name', label: '队伍名称', placeholder: '例如：区城管局联系东风社区工作队' },
          { key: 'type', label: '类型（填“工作队”或“突击队”）', initial: '工作队' },
          { key: 'unit', label: '派出单位（工作队填写）', placeholder: '例如：区城市管理局' }
        ]}
        onClose={() => setCreating(false)}
        onConfirm={async (v) => {
          if (!communityId) return '您没有所属社区'
          const type: TeamType = v.type.includes('突击') ? 'emergency' : 'liaison'
          const reply = await teamsApi.create({ name: v.name.trim(), type, communityId, ...(v.unit.trim() ? { unit: v.unit.trim() } : {}) })
          if (!reply.ok) return reply.error.message
          setCreating(false)
          go('volunteerTeam', { id: reply.data._id })
        }}
      />
    </PageContainer>
  )
}
