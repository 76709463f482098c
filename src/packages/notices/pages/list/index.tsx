import { useRef, useState } from 'react'
import { Input, Text, View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh, useReachBottom } from '@tarojs/taro'
import { BigButton, EmptyState, ErrorState, LoadingState, PageContainer } from '@/components'
import { NOTICE_CATEGORIES, NOTICE_CATEGORY_LABELS, type NoticeCategory, type NoticeSummary } from '@contracts/notices'
import { Chips, NoticeCard, noticesApi, requestNoticeSubscription } from '@/features/notices'
import { hasRole, useMe, useRequirePersona } from '@/features/session'
import { usePaged } from '@/services/cloud/usePaged'
import { go } from '@/services/navigate'
import { routes } from '@/services/routes'
import '../notices.scss'

const PAGE_SIZE = 20
const ALL = 'all'
type Filter = NoticeCategory | typeof ALL
const FILTERS = [{ value: ALL as Filter, label: '全部' }, ...NOTICE_CATEGORIES.map((c) => ({ value: c as Filter, label: NOTICE_CATEGORY_LABELS[c] }))]

/** 通知公告: the notices meant for me, pinned and newest first; search and category filter. */
export default function NoticesListPage() {
  const hasPersona = useRequirePersona(routes.noticesList)
  const { me } = useMe()
  const [filter, setFilter] = useState<Filter>(ALL)
  const [text, setText] = useState('')
  const [q, setQ] = useState('')
  const list = usePaged<NoticeSummary>(
    (page) => noticesApi.list({ page, pageSize: PAGE_SIZE, category: filter === ALL ? undefined : filter, q: q || undefined }),
    [filter, q],
    hasPersona
  )
  const { items, total, loading, error } = list
  // Coming back from a notice: its read state changed.
  const shown = useRef(false)
  useDidShow(() => {
    if (shown.current && hasPersona) void list.reload()
    shown.current = true
  })
  usePullDownRefresh(() => void list.reload().then(() => Taro.stopPullDownRefresh()))
  useReachBottom(() => void list.more())

  const subscribe = () => {
    // Directly in the tap handler: WeChat only shows the prompt there.
    void requestNoticeSubscription().then((res) => {
      if (!res) Taro.showToast({ title: '您未同意订阅', icon: 'none' })
      else if (res.ok) Taro.showToast({ title: '订阅成功，有重要通知时会提醒您', icon: 'none', duration: 2500 })
      else Taro.showToast({ title: res.message, icon: 'none' })
    })
  }

  if (!hasPersona) return <PageContainer><LoadingState text='请先选择演示身份…' /></PageContainer>
  const publisher = hasRole(me, 'staff') || hasRole(me, 'district_admin')
  const noResidence = me && !me.profile.buildingId && !hasRole(me, 'member')

  return (
    <PageContainer>
      {publisher ? (
        <View className='np__toolbar'>
          <View className='np__toolbar-item' onClick={() => go('noticesPublish')}>发布通知</View>
          <View className='np__toolbar-item np__toolbar-item--light' onClick={() => go('noticesManage')}>通知管理</View>
        </View>
      ) : null}
      {noResidence ? (
        <View className='np__banner'>
          <Text className='np__banner-text'>设置住址后，可以收到本小区、本楼栋的通知</Text>
          <Text className='np__banner-action' onClick={() => go('noticesResidence')}>设置住址</Text>
        </View>
      ) : null}
      <View className='np__banner'>
        <Text className='np__banner-text'>有重要通知时，通过微信提醒我</Text>
        <Text className='np__banner-action' onClick={subscribe}>订阅提醒</Text>
      </View>
      <View className='np__search'>
        <Input className='np__search-input' value={text} placeholder='搜索通知标题或内容' confirmType='search' onInput={(e) => setText(e.detail.value)} onConfirm={() => setQ(text.trim())} />
        <Text className='np__search-go' onClick={() => setQ(text.trim())}>搜索</Text>
      </View>
      <Chips options={FILTERS} selected={[filter]} onToggle={(value) => setFilter(value)} />
      {error && !items.length ? (
        <ErrorState error={error} onRetry={() => void list.reload()} />
      ) : loading && !items.length ? (
        <LoadingState />
      ) : !items.length ? (
        <EmptyState title={q || filter !== ALL ? '没有找到相关通知' : '暂时没有通知'} description={q ? `没有包含“${q}”的通知` : '社区和物业发布的通知会显示在这里'} />
      ) : (
        <View>
          <Text className='np__count'>共 {total} 条{q ? `，包含“${q}”` : ''}</Text>
          {items.map((n) => (
            <NoticeCard key={n.noticeId} notice={n} onClick={() => go('noticesDetail', { id: n.noticeId })} />
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
