import { useState } from 'react'
import { Text, Textarea, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { BigButton, ErrorState, LoadingState, PageContainer, Section } from '@/components'
import { WISH_CATEGORY_LABELS, WISH_STATUS_LABELS, type Wish } from '@contracts/wishes'
import type { Reply } from '@contracts/reply'
import { Chips, formatTime, Stars, wishesApi } from '@/features/tickets'
import { useRequirePersona } from '@/features/session'
import { useCall } from '@/services/cloud'
import { urlOf } from '@/services/routes'
import '@/features/tickets/components/tickets.scss'
import '../pages.scss'

const MINUTES = [30, 45, 60, 90, 120, 180, 240]

/**
 * One wish, and what the viewer may do: review (staff: approve, or reject with a reason), claim,
 * release, complete with the time spent, confirm, cancel. The poster sees whether it is waiting for
 * review or why it was not approved.
 */
export default function WishPage() {
  const id = useRouter().params.id ?? ''
  const hasPersona = useRequirePersona(urlOf('ticketsWish', { id }))
  const { data, error, loading, reload } = useCall(() => wishesApi.get({ wishId: id }), [id, hasPersona])
  const [wish, setWish] = useState<Wish>()
  const [minutes, setMinutes] = useState('60')
  const [note, setNote] = useState('')
  const [rating, setRating] = useState(5)
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState('')
  const [reason, setReason] = useState('')

  const w = wish && wish._id === data?._id ? wish : data
  if (!hasPersona) return <PageContainer><LoadingState text='请先选择演示身份…' /></PageContainer>
  if (!w) return <PageContainer>{error && !loading ? <ErrorState error={error} onRetry={() => void reload()} /> : <LoadingState />}</PageContainer>

  /** 拨打: the full number comes from `revealMobile` (claiming member, staff; audited), then the phone dials it. */
  const callResident = async () => {
    const reply = await wishesApi.revealMobile({ wishId: w._id })
    if (!reply.ok) return void Taro.showToast({ title: reply.error.message, icon: 'none', duration: 2500 })
    void Taro.makePhoneCall({ phoneNumber: reply.data.mobile }).catch(() => undefined)
  }

  const run = async (action: () => Promise<Reply<Wish>>, message: string) => {
    setBusy(true)
    setProblem('')
    const reply = await action()
    setBusy(false)
    if (!reply.ok) {
      setProblem(reply.error.message)
      void reload()
      return
    }
    setWish(reply.data)
    setNote('')
    setReason('')
    Taro.showToast({ title: message, icon: 'success' })
  }
  const a = w.actions

  return (
    <PageContainer>
      <Section title={w.title} subtitle={WISH_CATEGORY_LABELS[w.category]}>
        <Text className='tk-tag'>{WISH_STATUS_LABELS[w.status]}</Text>
        {w.status === 'pending' && w.mine ? <Text className='tk-note'>您的心愿已提交，社区工作人员审核通过后会公开给党员认领，审核结果会通知您。</Text> : null}
        {w.status === 'rejected' ? (
          <Text className='tk-warn'>
            未通过审核{w.reviewedAt ? `（${formatTime(w.reviewedAt)}）` : ''}：{w.rejectReason ?? ''}
            {w.mine ? '。如仍需帮助，可修改后重新发布，或直接联系社区。' : ''}
          </Text>
        ) : null}
        {w.description ? <Text className='tk-desc'>{w.description}</Text> : null}
        <View className='tk-kv'>
          <Text className='tk-kv__k'>发布人</Text>
          <Text className='tk-kv__v'>
            {w.residentName}
            {w.residentMobile ? (
              <Text className='tk-tag tk-tag--blue' onClick={() => void callResident()}>
                {' '}
                拨打 {w.residentMobile}
              </Text>
            ) : null}
          </Text>
        </View>
        <View className='tk-kv'>
          <Text className='tk-kv__k'>地点</Text>
          <Text className='tk-kv__v'>
            {w.communityName} {w.gridName} {w.buildingName ?? ''}
          </Text>
        </View>
        <View className='tk-kv'>
          <Text className='tk-kv__k'>发布时间</Text>
          <Text className='tk-kv__v'>{formatTime(w.createdAt)}</Text>
        </View>
        {w.memberName ? (
          <View className='tk-kv'>
            <Text className='tk-kv__k'>认领党员</Text>
            <Text className='tk-kv__v'>{w.memberName}</Text>
          </View>
        ) : null}
        {w.minutes ? (
          <View className='tk-kv'>
            <Text className='tk-kv__k'>服务时长</Text>
            <Text className='tk-kv__v'>
              {w.minutes}分钟{w.serviceRecordId ? '（已计入志愿服务时长）' : ''}
            </Text>
          </View>
        ) : null}
        {w.completionNote ? (
          <View className='tk-kv'>
            <Text className='tk-kv__k'>完成情况</Text>
            <Text className='tk-kv__v'>{w.completionNote}</Text>
          </View>
        ) : null}
        {w.rating ? <Stars value={w.rating} small /> : null}
      </Section>

      {a.review ? (
        <Section title='审核心愿' subtitle='通过后公开给本社区党员认领'>
          <BigButton loading={busy} onClick={() => void run(() => wishesApi.review({ wishId: w._id, decision: 'approve' }), '已通过，已公开')}>
            审核通过，公开
          </BigButton>
          <View className='tk-field'>
            <Text className='tk-field__label'>不通过的原因（必填，会告知发布人）</Text>
            <Textarea className='tk-field__textarea' value={reason} maxlength={200} placeholder='例如：心愿内容涉及个人财物往来，请直接联系社区' onInput={(e) => setReason(e.detail.value)} />
          </View>
          <BigButton
            fill='outline'
            loading={busy}
            onClick={() => {
              if (!reason.trim()) return setProblem('请填写未通过的原因')
              void run(() => wishesApi.review({ wishId: w._id, decision: 'reject', reason: reason.trim() }), '已退回')
            }}
          >
            不通过
          </BigButton>
        </Section>
      ) : null}
      {a.claim ? (
        <BigButton loading={busy} onClick={() => void run(() => wishesApi.claim({ wishId: w._id }), '认领成功，请尽快联系居民')}>
          我来认领
        </BigButton>
      ) : null}
      {a.complete ? (
        <Section title='完成心愿'>
          <Text className='tk-field__label'>花了多长时间</Text>
          <Chips options={MINUTES.map((m) => ({ value: String(m), label: m >= 60 ? `${m / 60}小时` : `${m}分钟` }))} value={minutes} onChange={setMinutes} />
          <View className='tk-field'>
            <Textarea className='tk-field__textarea' value={note} placeholder='完成情况（可不填）' onInput={(e) => setNote(e.detail.value)} />
          </View>
          <BigButton loading={busy} onClick={() => void run(() => wishesApi.complete({ wishId: w._id, minutes: Number(minutes), note: note.trim() || undefined }), '已完成，等待居民确认')}>
            已完成
          </BigButton>
          <View className='tk-gap' />
          <BigButton fill='outline' onClick={() => void run(() => wishesApi.release({ wishId: w._id }), '已放弃认领')}>
            临时有事，放弃认领
          </BigButton>
        </Section>
      ) : null}
      {a.confirm && w.status === 'confirmed' ? (
        <View className='tk-buttons'>
          <Text className='tk-note'>该心愿已确认，党员的服务时长尚未记入。</Text>
          <BigButton loading={busy} onClick={() => void run(() => wishesApi.confirm({ wishId: w._id }), '已记入服务时长')}>
            补记志愿服务时长
          </BigButton>
        </View>
      ) : null}
      {a.confirm && w.status === 'completed' ? (
        <Section title={w.mine ? '心愿实现了吗？' : '代居民确认'}>
          <Stars value={rating} onChange={setRating} />
          <View className='tk-field'>
            <Textarea className='tk-field__textarea' value={note} placeholder={w.mine ? '说句感谢的话（可不填）' : '电话确认情况（可不填）'} onInput={(e) => setNote(e.detail.value)} />
          </View>
          <BigButton loading={busy} onClick={() => void run(() => wishesApi.confirm({ wishId: w._id, rating, comment: note.trim() || undefined }), '已确认，感谢党员')}>
            确认已完成
          </BigButton>
        </Section>
      ) : null}
      {a.cancel ? (
        <View className='tk-buttons'>
          <BigButton fill='outline' onClick={() => void run(() => wishesApi.cancel({ wishId: w._id }), '已取消')}>
            取消心愿
          </BigButton>
        </View>
      ) : null}
      {problem ? <Text className='tk-warn'>{problem}</Text> : null}
    </PageContainer>
  )
}
