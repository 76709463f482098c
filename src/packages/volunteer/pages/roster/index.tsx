import { useState } from 'react'
import { Text, View } from '@tarojs/components'
import Taro, { usePullDownRefresh, useReachBottom, useRouter } from '@tarojs/taro'
import { BigButton, EmptyState, ErrorState, LoadingState, PageContainer, Section } from '@/components'
import { SIGNUP_STATUS_LABELS, type RosterEntry, type SignUpStatus } from '@contracts/activities'
import { activitiesApi, Chips, dial, Sheet, shortDateTime, Tag, timeOf, usePaged } from '@/features/volunteer'
import { useRequirePersona } from '@/features/session'
import { urlOf } from '@/services/routes'
import '@/features/volunteer/components/volunteer-pages.scss'
import '../volunteer.scss'

type Filter = SignUpStatus | 'all'
const FILTERS: { value: Filter; label: string }[] = [
  { value: 'all', label: '全部' },
  { value: 'confirmed', label: '已报名' },
  { value: 'waiting', label: '候补' },
  { value: 'withdrawn', label: '已取消' }
]

/**
 * The organiser's roster: who signed up or waits, with masked mobile numbers; 拨打 fetches the full
 * number (`revealMobile`, audited) and dials it. 移除 takes a bogus sign-up off (`removeSignUp`,
 * with a reason the person is told; audited): the place goes to the first waiting.
 */
export default function RosterPage() {
  const id = useRouter().params.id ?? ''
  const hasPersona = useRequirePersona(urlOf('volunteerRoster', { id }))
  const [filter, setFilter] = useState<Filter>('all')
  const list = usePaged((page) => activitiesApi.roster({ activityId: id, page, pageSize: 50, ...(filter !== 'all' ? { status: filter } : {}) }), [id, filter], hasPersona)
  usePullDownRefresh(() => void list.reload().then(() => Taro.stopPullDownRefresh()))
  useReachBottom(() => void list.more())
  const [removing, setRemoving] = useState<RosterEntry>()
  const call = async (openid: string) => {
    const reply = await activitiesApi.revealMobile({ activityId: id, openid })
    if (!reply.ok) return void Taro.showToast({ title: reply.error.message, icon: 'none', duration: 2500 })
    dial(reply.data.mobile)
  }

  if (!hasPersona) return <PageContainer><LoadingState /></PageContainer>
  return (
    <PageContainer>
      <Chips options={FILTERS} value={filter} onChange={setFilter} />
      {list.error && !list.items.length ? (
        <ErrorState error={list.error} onRetry={() => void list.reload()} />
      ) : list.loading && !list.items.length ? (
        <LoadingState />
      ) : !list.items.length ? (
        <EmptyState title='暂无报名' />
      ) : (
        <Section title={`共 ${list.total} 人`} subtitle='点击“拨打”联系报名者（查看号码会留存记录）'>
          {list.items.map((p) => (
            <View key={p.openid} className='vt-row'>
              <View className='vt-row__main'>
                <View className='vt-card__tags'>
                  <Tag tone={p.status === 'confirmed' ? 'green' : p.status === 'waiting' ? 'gold' : 'muted'}>
                    {p.status === 'waiting' && p.position ? `候补第${p.position}位` : SIGNUP_STATUS_LABELS[p.status]}
                  </Tag>
                  {p.walkIn ? <Tag tone='blue'>现场报名</Tag> : null}
                  {p.checkedInAt ? <Tag tone='blue'>{`签到 ${timeOf(p.checkedInAt)}${p.checkedOutAt ? ` · 签退 ${timeOf(p.checkedOutAt)}` : ''}`}</Tag> : null}
                </View>
                <Text className='vt-row__title'>{p.name}</Text>
                <Text className='vt-row__sub'>报名时间 {shortDateTime(p.signedUpAt)}</Text>
              </View>
              <View className='vt-row__actions'>
                {p.mobile ? (
                  <Text className='vt-row__action' onClick={() => void call(p.openid)}>
                    拨打 {p.mobile}
                  </Text>
                ) : null}
                {(p.status === 'confirmed' || p.status === 'waiting') && !p.checkedInAt ? (
                  <Text className='vt-row__action' onClick={() => setRemoving(p)} data-testid='roster-remove'>
                    移除
                  </Text>
                ) : null}
              </View>
            </View>
          ))}
        </Section>
      )}
      {list.hasMore ? (
        <View className='vt-more'>
          <BigButton fill='outline' loading={list.loading} onClick={() => void list.more()}>
            加载更多
          </BigButton>
        </View>
      ) : null}
      <Sheet
        open={Boolean(removing)}
        title={removing ? `移除 ${removing.name} 的报名` : '移除报名'}
        confirm='确定移除'
        fields={[{ key: 'reason', label: '移除原因（将通知本人，并留存记录）', placeholder: '例如：重复报名、信息不实', multiline: true }]}
        onClose={() => setRemoving(undefined)}
        onConfirm={async ({ reason }) => {
          if (!removing) return
          const reply = await activitiesApi.removeSignUp({ activityId: id, openid: removing.openid, reason: (reason ?? '').trim() })
          if (!reply.ok) return reply.error.message
          setRemoving(undefined)
          Taro.showToast({ title: reply.data.promoted ? `已移除，候补${reply.data.promoted}人已递补` : '已移除', icon: 'none', duration: 2500 }).catch(() => {})
          void list.reload()
        }}
      />
    </PageContainer>
  )
}
