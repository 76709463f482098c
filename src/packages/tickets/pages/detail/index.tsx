import { useRef, useState } from 'react'
import { Text, Textarea, View } from '@tarojs/components'
import Taro, { useDidShow, useRouter } from '@tarojs/taro'
import { BigButton, Check, ErrorState, LoadingState, PageContainer, Section } from '@/components'
import { PARTY_LABELS, TICKET_CATEGORY_LABELS, TICKET_LIMITS, CLOSE_REASON_LABELS, type Party, type Photo, type TicketDetail } from '@contracts/tickets'
import { Chips, choosePhotos, formatTime, PhotoGrid, RATING_WORDS, Stars, StatusTags, Timeline, ticketsApi, untilText } from '@/features/tickets'
import { useMe, useRequirePersona } from '@/features/session'
import { useCall } from '@/services/cloud'
import { urlOf } from '@/services/routes'
import '@/features/tickets/components/tickets.scss'
import '../pages.scss'

type Mode = 'resolve' | 'handover' | 'close' | 'comment' | 'reopen' | null

/**
 * One report: what, where, who leads, the deadlines, the photos and the whole history; and what the
 * viewer may do now (the parties: accept, update, hand over, resolve; the reporter: confirm with
 * stars or reopen).
 */
export default function TicketDetailPage() {
  const id = useRouter().params.id ?? ''
  const hasPersona = useRequirePersona(urlOf('ticketsDetail', { id }))
  const { me } = useMe({ enabled: hasPersona })
  const { data, error, loading, reload } = useCall(() => ticketsApi.get({ ticketId: id }), [id, hasPersona])
  const [ticket, setTicket] = useState<TicketDetail>()
  const [mode, setMode] = useState<Mode>(null)
  const [note, setNote] = useState('')
  const [photos, setPhotos] = useState<Photo[]>([])
  const [uploading, setUploading] = useState(false)
  const [party, setParty] = useState<Party>()
  const [internal, setInternal] = useState(false)
  const [rating, setRating] = useState(0)
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState('')
  const shown = useRef(false)
  useDidShow(() => {
    if (shown.current) void reload()
    shown.current = true
  })

  const t = ticket && ticket._id === data?._id && ticket.events.length >= data.events.length ? ticket : data
  if (!hasPersona) return <PageContainer><LoadingState text='请先选择演示身份…' /></PageContainer>
  if (!t) {
    return <PageContainer>{error && !loading ? <ErrorState error={error} onRetry={error.code === 'NOT_FOUND' ? undefined : () => void reload()} /> : <LoadingState />}</PageContainer>
  }

  /** 拨打: the full number comes from `revealMobile` (the handling parties only; audited), then the phone dials it. */
  const callReporter = async () => {
    const reply = await ticketsApi.revealMobile({ ticketId: t._id })
    if (!reply.ok) return void Taro.showToast({ title: reply.error.message, icon: 'none', duration: 2500 })
    void Taro.makePhoneCall({ phoneNumber: reply.data.mobile }).catch(() => undefined)
  }

  const open = (next: Mode) => {
    setMode(next)
    setNote('')
    setPhotos([])
    setInternal(false)
    setProblem('')
    setParty(t.actions.handoverTo[0])
  }

  const done = (next: TicketDetail, message: string) => {
    setTicket(next)
    setMode(null)
    setNote('')
    setPhotos([])
    setRating(0)
    Taro.showToast({ title: message, icon: 'success' })
    void reload()
  }

  const run = async (action: () => ReturnType<typeof ticketsApi.get>, message: string) => {
    setBusy(true)
    setProblem('')
    const reply = await action()
    setBusy(false)
    if (!reply.ok) {
      setProblem(reply.error.message)
      if (reply.error.code === 'CONFLICT') void reload()
      return
    }
    done(reply.data, message)
  }

  const addPhotos = async () => {
    if (!me) return
    setUploading(true)
    const reply = await choosePhotos(TICKET_LIMITS.photos - photos.length, me.openid)
    setUploading(false)
    if (!reply) return
    if (!reply.ok) return void Taro.showToast({ title: reply.error.message, icon: 'none' })
    setPhotos((prev) => [...prev, ...reply.data].slice(0, TICKET_LIMITS.photos))
  }

  const fileIDs = photos.map((p) => p.fileID)
  const text = note.trim()
  const need = (message: string) => {
    setProblem(message)
    return false
  }
  const submitMode = () => {
    if (mode === 'resolve') {
      if (!text) return need('请写明处理结果，居民会看到')
      return void run(() => ticketsApi.transition({ ticketId: t._id, to: 'resolved', note: text, photos: fileIDs }), '已办结，等待居民确认')
    }
    if (mode === 'handover') {
      if (!party) return need('请选择转交给谁')
      if (!text) return need('请写明转交原因')
      return void run(() => ticketsApi.transition({ ticketId: t._id, to: 'handover', party, note: text }), `已转交${PARTY_LABELS[party]}`)
    }
    if (mode === 'close') {
      if (!t.mine && !text) return need('请写明不予受理的原因，居民会看到')
      return void run(() => ticketsApi.transition({ ticketId: t._id, to: 'closed', note: text || undefined }), t.mine ? '已撤回' : '已关闭')
    }
    if (mode === 'comment') {
      if (!text) return need('请填写内容')
      return void run(() => ticketsApi.comment({ ticketId: t._id, text, photos: fileIDs, internal }), '已发送')
    }
    if (mode === 'reopen') {
      if (!text) return need('请说明哪里还没解决')
      return void run(() => ticketsApi.reopen({ ticketId: t._id, note: text, photos: fileIDs }), '已重新打开')
    }
  }

  const confirm = () => {
    if (!rating) return need('请点星星打分')
    return void run(() => ticketsApi.confirm({ ticketId: t._id, rating, comment: note.trim() || undefined }), '感谢您的评价')
  }

  const a = t.actions
  const isOpen = t.status === 'submitted' || t.status === 'accepted'
  const modeTitle: Record<Exclude<Mode, null>, string> = {
    resolve: '办结',
    handover: '转交',
    close: t.mine ? '撤回反映' : '不予受理',
    comment: t.mine ? '补充说明' : '发布进展',
    reopen: '没解决，重新打开'
  }

  return (
    <PageContainer>
      <Section title={TICKET_CATEGORY_LABELS[t.category]} subtitle={`编号 ${t._id}`}>
        <View>
          <StatusTags ticket={t} />
          {t.isDispute ? <Text className='tk-tag tk-tag--blue'>矛盾纠纷</Text> : null}
        </View>
        <Text className='tk-desc'>{t.description}</Text>
        {t.photos.length ? <PhotoGrid photos={t.photos} /> : null}
        <View className='tk-kv'>
          <Text className='tk-kv__k'>位置</Text>
          <Text className='tk-kv__v'>
            {t.communityName} {t.gridName} {t.buildingName ?? ''}
          </Text>
        </View>
        <View className='tk-kv'>
          <Text className='tk-kv__k'>牵头办理</Text>
          <Text className='tk-kv__v'>{t.partyName}</Text>
        </View>
        <View className='tk-kv'>
          <Text className='tk-kv__k'>反映人</Text>
          <Text className='tk-kv__v'>
            {t.reporter ? t.reporter.name : t.reporterName}
            {t.reporter?.mobile && !t.mine ? (
              <Text className='tk-tag tk-tag--blue' onClick={() => void callReporter()}>
                {' '}
                拨打 {t.reporter.mobile}
              </Text>
            ) : null}
          </Text>
        </View>
        <View className='tk-kv'>
          <Text className='tk-kv__k'>反映时间</Text>
          <Text className='tk-kv__v'>{formatTime(t.createdAt)}</Text>
        </View>
        {isOpen ? (
          <>
            {t.status === 'submitted' ? (
              <View className='tk-kv'>
                <Text className='tk-kv__k'>受理时限</Text>
                <Text className='tk-kv__v'>
                  {formatTime(t.acceptBy)}（{untilText(t.acceptBy)}）
                </Text>
              </View>
            ) : null}
            <View className='tk-kv'>
              <Text className='tk-kv__k'>办结时限</Text>
              <Text className='tk-kv__v'>
                {formatTime(t.resolveBy)}（{untilText(t.resolveBy)}）
              </Text>
            </View>
          </>
        ) : null}
        {t.status === 'closed' && t.closeReason ? (
          <View className='tk-kv'>
            <Text className='tk-kv__k'>结果</Text>
            <Text className='tk-kv__v'>{CLOSE_REASON_LABELS[t.closeReason]}</Text>
          </View>
        ) : null}
        {t.rating ? (
          <View className='tk-kv'>
            <Text className='tk-kv__k'>居民评价</Text>
            <View className='tk-kv__v'>
              <Stars value={t.rating} small />
              <Text>
                {RATING_WORDS[t.rating]}
                {t.ratingComment ? `：${t.ratingComment}` : ''}
              </Text>
            </View>
          </View>
        ) : null}
      </Section>

      {a.confirm ? (
        <Section title='问题解决了吗？'>
          <Text className='tk-note'>请为这次处理打分。7天内未评价将自动办结。</Text>
          <Stars value={rating} onChange={setRating} />
          <View className='tk-field'>
            <Textarea className='tk-field__textarea' value={mode === null ? note : ''} placeholder='说说您的感受（可不填）' onInput={(e) => setNote(e.detail.value)} maxlength={TICKET_LIMITS.noteMax} />
          </View>
          {problem && mode === null ? <Text className='tk-warn'>{problem}</Text> : null}
          <BigButton loading={busy} disabled={busy} onClick={confirm}>
            已解决，提交评价
          </BigButton>
          <View className='tk-gap' />
          <BigButton fill='outline' onClick={() => open('reopen')}>
            没解决，重新打开
          </BigButton>
        </Section>
      ) : null}

      {mode ? (
        <Section title={modeTitle[mode]}>
          {mode === 'handover' ? (
            <>
              <Text className='tk-field__label'>转交给</Text>
              <Chips options={a.handoverTo.map((p) => ({ value: p, label: PARTY_LABELS[p] }))} value={party ?? a.handoverTo[0]} onChange={setParty} />
            </>
          ) : null}
          <View className='tk-field'>
            <Textarea
              className='tk-field__textarea'
              value={note}
              maxlength={TICKET_LIMITS.noteMax}
              placeholder={
                mode === 'resolve' ? '处理结果，例如：管道已疏通，路面已冲洗' : mode === 'handover' ? '转交原因' : mode === 'close' ? (t.mine ? '撤回原因（可不填）' : '不予受理的原因') : mode === 'reopen' ? '哪里还没解决？' : '填写内容'
              }
              onInput={(e) => setNote(e.detail.value)}
            />
          </View>
          {mode === 'resolve' || mode === 'comment' || mode === 'reopen' ? (
            <PhotoGrid photos={photos} onAdd={() => void addPhotos()} adding={uploading} onRemove={(i) => setPhotos((prev) => prev.filter((_, k) => k !== i))} />
          ) : null}
          {mode === 'comment' && !t.mine ? (
            <Check checked={internal} onChange={setInternal}>
              仅三方可见（居民看不到）
            </Check>
          ) : null}
          {problem ? <Text className='tk-warn'>{problem}</Text> : null}
          <View className='tk-button-pair'>
            <View>
              <BigButton fill='outline' onClick={() => setMode(null)}>
                取消
              </BigButton>
            </View>
            <View>
              <BigButton loading={busy} disabled={busy || uploading} onClick={submitMode}>
                确定
              </BigButton>
            </View>
          </View>
        </Section>
      ) : (
        <View className='tk-buttons'>
          {a.accept ? (
            <BigButton loading={busy} onClick={() => void run(() => ticketsApi.transition({ ticketId: t._id, to: 'accepted' }), '已受理')}>
              受理
            </BigButton>
          ) : null}
          {a.resolve ? (
            <BigButton type={a.accept ? 'default' : 'primary'} onClick={() => open('resolve')}>
              办结
            </BigButton>
          ) : null}
          {a.comment ? (
            <BigButton fill='outline' onClick={() => open('comment')}>
              {t.mine ? '补充说明' : '发布进展'}
            </BigButton>
          ) : null}
          {a.handover ? (
            <BigButton fill='outline' onClick={() => open('handover')}>
              转交其他方
            </BigButton>
          ) : null}
          {a.close ? (
            <BigButton fill='outline' onClick={() => open('close')}>
              {t.mine ? '撤回反映' : '不予受理'}
            </BigButton>
          ) : null}
          {problem ? <Text className='tk-warn'>{problem}</Text> : null}
        </View>
      )}

      <Section title='办理经过'>
        <Timeline events={t.events} />
        {!t.full ? <Text className='tk-muted'>居民可见公开信息；反映人的联系方式不公开。</Text> : null}
      </Section>
    </PageContainer>
  )
}
