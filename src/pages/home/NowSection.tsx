import { Text, View } from '@tarojs/components'
import type { Me } from '@contracts/me'
import type { Overview } from '@contracts/overview'
import type { ReplyError } from '@contracts/reply'
import { Section } from '@/components'
import { Rows, WorkQueues, needsMe, noticeRows, nowRows, workQueues } from '@/features/overview'
import { go } from '@/services/navigate'

export interface NowProps {
  me: Pick<Me, 'roles'>
  data?: Overview
  error?: ReplyError
  onRetry: () => void
}

/** 首页 above the launcher: what needs me now (work queues, my next things) and the latest notices. */
export function NowSection({ me, data, error, onRetry }: NowProps) {
  if (!data) {
    if (!error) return null
    return (
      <Section title='需要我处理'>
        <Text className='ov-calm'>{error.message}</Text>
        <View className='ov-link' onClick={onRetry}>重新加载</View>
      </Section>
    )
  }
  const queues = workQueues(data.work, me)
  const rows = nowRows(data, Date.now())
  const notices = noticeRows(data)
  const unread = data.mine.unreadNotices
  return (
    <View>
      <Section title='需要我处理'>
        {queues.length ? <WorkQueues queues={queues} /> : null}
        {rows.length ? <Rows rows={rows} /> : null}
        {needsMe(data) ? null : <Text className='ov-calm' data-testid='now-calm'>暂无待办，有新的安排会显示在这里</Text>}
      </Section>
      {notices.length ? (
        <Section title='最新通知' subtitle={unread ? `${unread} 条未读` : undefined}>
          <Rows rows={notices} />
          <View className='ov-link' onClick={() => go('noticesList')}>全部通知</View>
        </Section>
      ) : null}
    </View>
  )
}
