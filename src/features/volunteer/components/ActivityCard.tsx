import { Text, View } from '@tarojs/components'
import { ACTIVITY_KIND_LABELS } from '@contracts/activityLabels'
import type { ActivitySummary } from '@contracts/activityList'
import { rangeLabel } from '../format'
import { PhaseTag, SignUpTag, Tag } from './Tags'
import './volunteer.scss'

/** One activity in a list: what, when, where, and how many places are left. */
export function ActivityCard({ activity: a, onClick }: { activity: ActivitySummary; onClick?: () => void }) {
  const full = a.placesLeft <= 0
  const fill = Math.min(100, Math.round((a.confirmedCount / Math.max(1, a.capacity)) * 100))
  const live = a.phase === 'open' || a.phase === 'closed'
  return (
    <View className='vt-card' hoverClass='vt-card--pressed' onClick={onClick}>
      <View className='vt-card__tags'>
        <PhaseTag phase={a.phase} />
        <Tag tone={a.kind === 'event' ? 'blue' : 'red'}>{a.kind === 'event' ? ACTIVITY_KIND_LABELS.event : a.category}</Tag>
        {a.audience === 'members' ? <Tag tone='gold'>仅限党员</Tag> : null}
        <SignUpTag signUp={a.mySignUp} />
      </View>
      <Text className='vt-card__title'>{a.title}</Text>
      <Text className='vt-card__line'>时间：{rangeLabel(a.start, a.end)}</Text>
      <Text className='vt-card__line'>地点：{a.centerName ? `${a.centerName} · ` : ''}{a.place.name}</Text>
      <Text className='vt-card__line'>组织：{a.communityName}{a.teamName ? ` · ${a.teamName}` : ''}</Text>
      {live ? (
        <View className='vt-card__places'>
          <View className='vt-card__bar'>
            <View className='vt-card__bar-fill' style={{ width: `${fill}%` }} />
          </View>
          <Text className={full ? 'vt-card__places-text vt-card__places-text--full' : 'vt-card__places-text'}>
            {full ? `已满${a.waitingCount ? ` · 候补${a.waitingCount}人` : ''}` : `还剩${a.placesLeft}个名额`}
          </Text>
        </View>
      ) : null}
    </View>
  )
}
