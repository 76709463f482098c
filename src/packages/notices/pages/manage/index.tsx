import { useCallback, useEffect, useRef, useState } from 'react'
import { Input, Text, View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh, useReachBottom } from '@tarojs/taro'
import { BigButton, EmptyState, ErrorState, LoadingState, PageContainer } from '@/components'
import { NOTICE_STATUS_LABELS, NOTICE_STATUSES, type NoticeStatus, type NoticeSummary } from '@/contracts/notices'
import type { ReplyError } from '@/contracts/reply'
import { Chips, NoticeCard, noticesApi } from '@/features/notices'
import { useRequirePersona } from '@/features/session'
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
  const [items, setItems] = useState<NoticeSummary[]>([])
  const [total, setTotal] = useState(0)
  const [page, setPage] = useState(1)
  const [loading, setLoading] = useState(true)
  const [error, setError] = useState<ReplyError>()
  const seq = useRef(0)

  const load = useCallback(
    async (nextPage: number) => {
      const mine = ++seq.current
      setLoading(true)
      const reply = await noticesApi.list({ view: 'manage', page: nextPage, pageSize: PAGE_SIZE, status: filter === 'all' ? undefined : filter, q: q || undefined })
      if (mine !== seq.current) return
      setLoading(false)
      Taro.stopPullDownRefresh()
      if (!reply.ok) return setError(reply.error)
      setError(undefined)
      setItems((prev) => (nextPage === 1 ? reply.data.items : [...prev, ...reply.data.items]))
      setTotal(reply.data.total)
      setPage(nextPage)
    },
    [filter, q]
  )
  useEffect(() => {
    if (hasPersona) void load(1)
  }, [hasPersona, load])
  const shown = useRef(false)
  useDidShow(() => {
    if (shown.current && hasPersona) void load(1)
    shown.current = true
  })
  usePullDownRefresh(() => void load(1))
  useReachBottom(() => {
    if (!loading && items.length < total) void load(page + 1)
  })

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
        <ErrorState error={error} onRetry={() => void load(1)} />
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
              <BigButton fill='outline' loading={loading} onClick={() => void load(page + 1)}>
                加载更多
              </BigButton>
            </View>
          ) : null}
        </View>
      )}
    </PageContainer>
  )
}
