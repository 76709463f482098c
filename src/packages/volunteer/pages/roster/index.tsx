import { useState } from 'react'
import { Text, View } from '@tarojs/components'
import Taro, { usePullDownRefresh, useReachBottom, useRouter } from '@tarojs/taro'
import { BigButton, EmptyState, ErrorState, LoadingState, PageContainer, Section } from '@/components'
import { SIGNUP_STATUS_LABELS, type SignUpStatus } from '@contracts/activities'
import { activitiesApi, Chips, dial, shortDateTime, Tag, timeOf, usePaged } from '@/features/volunteer'
import { useRequirePersona } from '@/features/session'
import { urlOf } from '@/services/routes'
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
 * number (`revealMobile`, audited) and dials it.
 */
export default function RosterPage() {
  const id = useRouter().params.id ?? ''
  const hasPersona = useRequirePersona(urlOf('volunteerRoster', { id }))
  const [filter, setFilter] = useState<Filter>('all')
  const list = usePaged((page) => activitiesApi.roster({ activityId: id, page, pageSize: 50, ...(filter !== 'all' ? { status: filter } : {}) }), [id, filter], hasPersona)
  usePullDownRefresh(() => void list.reload().then(() => Taro.stopPullDownRefresh()))
  useReachBottom(() => void list.more())
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
              {p.mobile ? (
                <Text className='vt-row__action' onClick={() => void call(p.openid)}>
                  拨打 {p.mobile}
                </Text>
              ) : null}
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
    </PageContainer>
  )
}
