import { useRef, useState } from 'react'
import { Text, Textarea, View } from '@tarojs/components'
import Taro, { useDidShow, useRouter } from '@tarojs/taro'
import { BigButton, ErrorState, LoadingState, PageContainer, Section } from '@/components'
import { NOTICE_STATUS_LABELS } from '@contracts/notices'
import { AttachmentList, formatDateTime, NoticeBody, noticesApi } from '@/features/notices'
import { useRequirePersona } from '@/features/session'
import { go } from '@/services/navigate'
import { useCall } from '@/services/cloud'
import { routes, urlOf } from '@/services/routes'
import '../notices.scss'

const ACTION_LABELS = { publish: '发布', update: '修改', withdraw: '撤回' } as const

/** One notice: opening it marks it read. Its publisher also sees its audience, history and actions. */
export default function NoticeDetailPage() {
  const id = useRouter().params.id ?? ''
  const hasPersona = useRequirePersona(urlOf('noticesDetail', { id }))
  const { data: notice, error, loading, reload } = useCall(() => noticesApi.get({ noticeId: id }), [id, hasPersona])
  const [withdrawing, setWithdrawing] = useState(false)
  const [reason, setReason] = useState('')
  const [busy, setBusy] = useState(false)
  const shown = useRef(false)
  useDidShow(() => {
    // Back from editing: show the new version.
    if (shown.current) void reload()
    shown.current = true
  })

  if (!hasPersona) return <PageContainer><LoadingState text='请先选择演示身份…' /></PageContainer>
  if (!notice) {
    return (
      <PageContainer>
        {error && !loading ? (
          <ErrorState error={error.code === 'NOT_FOUND' ? { message: '通知不存在，或已撤回、已过期' } : error} onRetry={error.code === 'NOT_FOUND' ? undefined : () => void reload()}>
            <BigButton fill='outline' onClick={() => Taro.redirectTo({ url: routes.noticesList })}>
              查看全部通知
            </BigButton>
          </ErrorState>
        ) : (
          <LoadingState />
        )}
      </PageContainer>
    )
  }

  const withdraw = async () => {
    setBusy(true)
    const reply = await noticesApi.withdraw({ noticeId: notice.noticeId, reason: reason.trim() || undefined })
    setBusy(false)
    if (!reply.ok) {
      Taro.showToast({ title: reply.error.message, icon: 'none' })
      return
    }
    setWithdrawing(false)
    Taro.showToast({ title: '已撤回', icon: 'success' })
    void reload()
  }

  const manager = notice.canEdit || notice.canViewStats
  return (
    <PageContainer>
      <View className='np__article'>
        <View className='nt-card__tags'>
          {notice.pinned ? <Text className='nt-tag nt-tag--pin'>置顶</Text> : null}
          {notice.important ? <Text className='nt-tag nt-tag--important'>重要</Text> : null}
          <Text className='nt-tag'>{notice.categoryLabel}</Text>
          {manager ? <Text className={notice.status === 'published' ? 'nt-tag nt-tag--green' : 'nt-tag nt-tag--muted'}>{NOTICE_STATUS_LABELS[notice.status]}</Text> : null}
        </View>
        <Text className='np__title'>{notice.title}</Text>
        <Text className='np__meta'>
          {notice.publisherName} · {formatDateTime(notice.publishAt)}
        </Text>
        {notice.edited ? <Text className='np__meta'>已于 {formatDateTime(notice.updatedAt)} 更新</Text> : null}
        {notice.expiresAt ? <Text className='np__meta'>有效期至 {formatDateTime(notice.expiresAt)}</Text> : null}
        <View className='np__divider' />
        <NoticeBody nodes={notice.bodyNodes} />
        {notice.attachments.length ? (
          <View>
            <Text className='np__label'>附件</Text>
            <AttachmentList attachments={notice.attachments} />
          </View>
        ) : null}
      </View>

      {manager ? (
        <Section title='发布管理' subtitle={NOTICE_STATUS_LABELS[notice.status]}>
          {notice.audience ? <Text className='np__note'>通知对象：{notice.audience.label}</Text> : null}
          {notice.withdrawnReason ? <Text className='np__warn'>撤回原因：{notice.withdrawnReason}</Text> : null}
          <View className='np__actions'>
            {notice.canViewStats ? <BigButton onClick={() => go('noticesStats', { id: notice.noticeId })}>查看阅读情况</BigButton> : null}
            {notice.canEdit && notice.status !== 'withdrawn' ? (
              <BigButton fill='outline' onClick={() => go('noticesPublish', { id: notice.noticeId })}>
                修改通知
              </BigButton>
            ) : null}
            {notice.canEdit && notice.status !== 'withdrawn' && !withdrawing ? (
              <BigButton type='default' fill='outline' onClick={() => setWithdrawing(true)}>
                撤回通知
              </BigButton>
            ) : null}
          </View>
          {withdrawing ? (
            <View className='np__sub'>
              <Text className='np__label'>撤回后居民将看不到这条通知</Text>
              <Textarea className='np__textarea' style={{ minHeight: '160px' }} value={reason} maxlength={200} placeholder='撤回原因（选填），例如：内容有误，将重新发布' onInput={(e) => setReason(e.detail.value)} />
              <View className='np__actions' style={{ marginTop: '20px' }}>
                <BigButton loading={busy} onClick={() => void withdraw()}>
                  确认撤回
                </BigButton>
                <BigButton fill='outline' onClick={() => setWithdrawing(false)}>
                  取消
                </BigButton>
              </View>
            </View>
          ) : null}
          {notice.history?.length ? (
            <View>
              <Text className='np__label'>记录</Text>
              {notice.history.map((h, i) => (
                <Text key={i} className='np__history' style={{ display: 'block' }}>
                  {formatDateTime(h.at)} {h.by} {ACTION_LABELS[h.action]}
                  {h.note ? `：${h.note}` : ''}
                </Text>
              ))}
            </View>
          ) : null}
        </Section>
      ) : null}
    </PageContainer>
  )
}
