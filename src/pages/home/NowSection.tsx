import { Text, View } from '@tarojs/components'
import type { Me } from '@contracts/me'
import type { Overview } from '@contracts/overview'
import type { ReplyError } from '@contracts/reply'
import { Section } from '@/components'
import { Rows, WorkQueues, needsMe, noticeRows, nowRows, workQueues, type Row } from '@/features/overview'
import { queuedScanCount, queuedStaffScanActivity } from '@/features/volunteer/tab'
import { go } from '@/services/navigate'

export interface NowProps {
  me: Pick<Me, 'roles'> & { openid?: string }
  data?: Overview
  error?: ReplyError
  onRetry: () => void
}

/** Scans made without signal still on this phone: they upload only while a scanning page is open. */
function queuedScansRow(openid?: string): Row | undefined {
  const count = queuedScanCount(openid)
  if (!count) return undefined
  const staffActivity = queuedStaffScanActivity(openid)
  return {
    key: 'queued-scans',
    title: `有${count}次扫码等待上传`,
    desc: '无信号时记录的签到签退，点此上传',
    target: staffActivity ? { route: 'volunteerScan', query: { id: staffActivity } } : { route: 'volunteerCheckin' }
  }
}

/** 首页 above the launcher: what needs me now (work queues, my next things) and the latest notices. */
export function NowSection({ me, data, error, onRetry }: NowProps) {
  const queued = queuedScansRow(me.openid)
  if (!data) {
    // Until the overview arrives, the section's frame with a calm line: the launcher below does not jump.
    return (
      <Section title='需要我处理'>
        {queued ? <Rows rows={[queued]} /> : null}
        {error ? <Text className='ov-calm'>{error.message}</Text> : <Text className='ov-calm' data-testid='now-loading'>正在加载…</Text>}
        {error ? <View className='ov-link' onClick={onRetry}>重新加载</View> : null}
      </Section>
    )
  }
  const queues = workQueues(data.work)
  const rows = nowRows(data, Date.now())
  const notices = noticeRows(data)
  const unread = data.mine.unreadNotices
  return (
    <View>
      <Section title='需要我处理'>
        {queues.length ? <WorkQueues queues={queues} /> : null}
        {queued || rows.length ? <Rows rows={queued ? [queued, ...rows] : rows} /> : null}
        {queued || needsMe(data) ? null : <Text className='ov-calm' data-testid='now-calm'>暂无待办，有新的安排会显示在这里</Text>}
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
