import { useRef, useState } from 'react'
import { Text, View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh, useReachBottom } from '@tarojs/taro'
import { BigButton, EmptyState, ErrorState, LoadingState, PageContainer } from '@/components'
import type { ActionOutput } from '@/services/cloud'
import type { activitiesContract } from '@contracts/activities'
import { activitiesApi, dayLabel, duration, shortDateTime, Sheet, Tag, usePaged } from '@/features/volunteer'
import { hasRole, useMe, useRequirePersona } from '@/features/session'
import { routes, urlOf } from '@/services/routes'
import '@/features/volunteer/components/volunteer-pages.scss'
import '../volunteer.scss'
import './index.scss'

type PendingMakeUp = ActionOutput<(typeof activitiesContract)['pendingMakeUps']>['items'][number]
const toast = (title: string) => void Taro.showToast({ title, icon: 'none', duration: 2500 })

/**
 * 补录时长复核: make-up hours someone else entered, waiting for a second person (four eyes: never
 * the one who entered them). Staff see their communities'; the district admin sees every
 * community's — in a community with one staff member, the admin is the only one who can approve.
 * 认定 / 不予认定 go through the same `verify` as the activity's records page; a decided entry
 * leaves the list at once.
 */
export default function MakeUpsPage() {
  const hasPersona = useRequirePersona(routes.volunteerMakeUps)
  const { me } = useMe({ enabled: hasPersona })
  const allowed = hasRole(me, 'staff') || hasRole(me, 'district_admin')
  const list = usePaged((page) => activitiesApi.pendingMakeUps({ page, pageSize: 20 }), [], hasPersona && allowed)
  const [decided, setDecided] = useState<Record<string, true>>({})
  const [declining, setDeclining] = useState<PendingMakeUp | null>(null)
  const [busy, setBusy] = useState<string>()
  usePullDownRefresh(() => void list.reload().then(() => Taro.stopPullDownRefresh()))
  useReachBottom(() => void list.more())
  // Back from an activity's records page, where entries may have been decided.
  const shown = useRef(false)
  useDidShow(() => {
    if (shown.current && allowed) void list.reload().then(() => setDecided({}))
    shown.current = true
  })

  const done = (item: PendingMakeUp) => setDecided((prev) => ({ ...prev, [item.recordId]: true }))
  const approve = async (item: PendingMakeUp) => {
    const sure = await Taro.showModal({
      title: '认定补录时长',
      content: `认定 ${item.volunteerName} 在"${item.activityTitle}"的服务时长 ${duration(item.minutes)}？`,
      confirmText: '认定'
    })
    if (!sure.confirm) return
    setBusy(item.recordId)
    const reply = await activitiesApi.verify({ recordId: item.recordId, decision: 'approve' })
    setBusy(undefined)
    if (!reply.ok) return toast(reply.error.message)
    toast(`已认定 ${item.volunteerName} ${duration(reply.data.verifiedMinutes)}`)
    done(item)
  }

  if (!hasPersona || !me) return <PageContainer><LoadingState /></PageContainer>
  if (!allowed) return <PageContainer><ErrorState error={{ message: '补录时长复核仅限社区工作人员和区级管理员使用' }} /></PageContainer>

  const items = list.items.filter((item) => !decided[item.recordId])
  const left = Math.max(0, list.total - Object.keys(decided).length)
  return (
    <PageContainer>
      <Text className='vt-notice'>
        {hasRole(me, 'district_admin')
          ? '以下是各社区补录、须由补录人以外的人认定的服务时长。只有一名工作人员的社区，由您复核认定。'
          : '以下是其他工作人员补录、须由补录人以外的人认定的服务时长。您本人补录的不在此列。'}
      </Text>
      {list.error && !list.items.length ? (
        <ErrorState error={list.error} onRetry={() => void list.reload()} />
      ) : list.loading && !list.items.length ? (
        <LoadingState />
      ) : !items.length ? (
        <EmptyState title='没有待复核的补录时长' description='其他人补录的时长会出现在这里' />
      ) : (
        <View>
          <Text className='mk-count'>{`待复核 ${left} 条`}</Text>
          {items.map((item) => (
            <View key={item.recordId} className='vt-card' data-testid='makeup-card'>
              <View className='vt-card__tags'>
                <Tag tone='gold'>补录待复核</Tag>
                <Tag tone='blue'>{item.issuerName}</Tag>
              </View>
              <Text className='vt-card__title'>{`${item.volunteerName} · ${duration(item.minutes)}`}</Text>
              <Text
                className='vt-card__line'
                onClick={() => item.activityId && void Taro.navigateTo({ url: urlOf('volunteerRecords', { id: item.activityId }) })}
              >
                {`${item.activityTitle}（${dayLabel(item.serviceDate)}）`}
              </Text>
              <Text className='vt-card__line'>{`补录理由：${item.reason ?? '未填写'}`}</Text>
              <Text className='vt-card__line'>{`补录人：${item.enteredByName} · ${shortDateTime(item.enteredAt)}`}</Text>
              <View className='vp__gap' />
              <View className='vp__buttons'>
                <BigButton loading={busy === item.recordId} onClick={() => void approve(item)}>
                  认定
                </BigButton>
                <BigButton fill='outline' type='default' disabled={busy === item.recordId} onClick={() => setDeclining(item)}>
                  不予认定
                </BigButton>
              </View>
            </View>
          ))}
        </View>
      )}
      {list.hasMore ? (
        <View className='vt-more'>
          <BigButton fill='outline' loading={list.loading} onClick={() => void list.more()}>
            加载更多
          </BigButton>
        </View>
      ) : null}
      <Sheet
        open={declining !== null}
        title={declining ? `不予认定 ${declining.volunteerName}` : '不予认定'}
        fields={[{ key: 'reason', label: '不予认定的理由', placeholder: '例如：现场未见到本人', multiline: true }]}
        confirm='不予认定'
        onClose={() => setDeclining(null)}
        onConfirm={async (v) => {
          if (!declining) return
          const reason = (v.reason ?? '').trim()
          if (reason.length < 2) return '请填写不予认定的理由（至少2个字）'
          const reply = await activitiesApi.verify({ recordId: declining.recordId, decision: 'decline', reason })
          if (!reply.ok) return reply.error.message
          toast(`已不予认定 ${declining.volunteerName}`)
          done(declining)
          setDeclining(null)
        }}
      />
    </PageContainer>
  )
}
