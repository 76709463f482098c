import { useRef, useState } from 'react'
import { Input, Text, View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh, useReachBottom } from '@tarojs/taro'
import { BigButton, EmptyState, ErrorState, LoadingState, PageContainer } from '@/components'
import { NOTICE_STATUS_LABELS, NOTICE_STATUSES, type NoticeStatus, type NoticeSummary } from '@contracts/notices'
import { Chips, NoticeCard, noticesApi } from '@/features/notices'
import { useRequirePersona } from '@/features/session'
import { usePaged } from '@/services/cloud/usePaged'
import { go } from '@/services/navigate'
import { routes } from '@/services/routes'
import '../notices.scss'

const PAGE_SIZE = 20
type Filter = NoticeStatus | 'all'
const FILTERS: { value: Filter; label: string }[] = [{ value: 'all', label: '全部' }, ...NOTICE_STATUSES.map((s) => ({ value: s as Filter, label: NOTICE_STATUS_LABELS[s] }))]

/** 通知管理 (staff, district admin): every notice of my communities and the district's, with readers so far. */
export default function ManageNoticesPage() {
  const hasPersona = useRequirePersona(routes.noticesManage)
  const [filter, setFilter] = useState<Filter>('all')
  const [text, setText] = useState('')
  const [q, setQ] = useState('')
  const list = usePaged<NoticeSummary>(
    (page) => noticesApi.list({ view: 'manage', page, pageSize: PAGE_SIZE, status: filter === 'all' ? undefined : filter, q: q || undefined }),
    [filter, q],
    hasPersona
  )
  const { items, total, loading, error } = list
  const shown = useRef(false)
  useDidShow(() => {
    if (shown.current && hasPersona) void list.reload()
    shown.current = true
  })
  usePullDownRefresh(() => void list.reload().then(() => Taro.stopPullDownRefresh()))
  useReachBottom(() => void list.more())

  if (!hasPersona) return <PageContainer><LoadingState text='请先选择演示身份…' /></PageContainer>
  return (
    <PageContainer>
      <View className='np__toolbar'>
        <View className='np__toolbar-item' onClick={() => go('noticesPublish')}>发布新通知</View>
      </View>
      <View className='np__search'>
        <Input className='np__search-input' value={text} placeholder='搜索通知' confirmType='search' onInput={(e) => setText(e.detail.value)} onConfirm={() => setQ(text.trim())} />
        <Text className='np__search-go' onClick={() => setQ(text.trim())}>搜索</Text>
      </View>
      <Chips options={FILTERS} selected={[filter]} onToggle={setFilter} />
      {error && !items.length ? (
        <ErrorState error={error} onRetry={() => void list.reload()} />
      ) : loading && !items.length ? (
        <LoadingState />
      ) : !items.length ? (
        <EmptyState title='没有通知' description='发布的通知会显示在这里，点开可查看阅读情况' />
      ) : (
        <View>
          <Text className='np__count'>共 {total} 条</Text>
          {items.map((n) => (
            <NoticeCard key={n.noticeId} notice={n} manage onClick={() => go('noticesDetail', { id: n.noticeId })} />
          ))}
          {items.length < total ? (
            <View className='np__more'>
              <BigButton fill='outline' loading={loading} onClick={() => void list.more()}>
                加载更多
              </BigButton>
            </View>
          ) : null}
        </View>
      )}
    </PageContainer>
  )
}
