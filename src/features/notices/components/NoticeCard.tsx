import { Text, View } from '@tarojs/components'
import { NOTICE_STATUS_LABELS, type NoticeSummary } from '@contracts/notices'
import { formatDate } from '../format'
import './notices.scss'

/** One notice in a list: unread dot and bold title, tags, two lines of summary, who and when. */
export function NoticeCard({ notice, manage, onClick }: { notice: NoticeSummary; manage?: boolean; onClick: () => void }) {
  const unread = !manage && !notice.read
  return (
    <View className='nt-card' hoverClass='nt-card--pressed' onClick={onClick} data-notice-id={notice.noticeId}>
      <View className='nt-card__tags'>
        {notice.pinned ? <Text className='nt-tag nt-tag--pin'>置顶</Text> : null}
        {notice.important ? <Text className='nt-tag nt-tag--important'>重要</Text> : null}
        <Text className='nt-tag'>{notice.categoryLabel}</Text>
        {manage ? <Text className={notice.status === 'published' ? 'nt-tag nt-tag--green' : 'nt-tag nt-tag--muted'}>{NOTICE_STATUS_LABELS[notice.status]}</Text> : null}
        {notice.edited ? <Text className='nt-tag nt-tag--muted'>已更新</Text> : null}
      </View>
      <Text className={unread ? 'nt-card__title nt-card__title--unread' : 'nt-card__title'}>
        {unread ? <Text className='nt-card__dot' /> : null}
        {notice.title}
      </Text>
      {notice.summary ? <Text className='nt-card__summary'>{notice.summary}</Text> : null}
      <Text className='nt-card__meta'>
        {notice.publisherName} · {formatDate(notice.publishAt)}
        {notice.attachmentCount ? ` · 附件${notice.attachmentCount}个` : ''}
        {manage ? ` · 已读${notice.readCount ?? 0}人` : unread ? ' · 未读' : ''}
      </Text>
      {manage && notice.audienceLabel ? <Text className='nt-card__meta'>对象：{notice.audienceLabel}</Text> : null}
    </View>
  )
}
