import { useState } from 'react'
import { Text, Textarea, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { BigButton, Check, ErrorState, LoadingState, PageContainer, Section } from '@/components'
import { SuccessState } from '@/components/SuccessState'
import { TICKET_LIMITS, type Photo, type TicketCategory, type TicketDetail } from '@contracts/tickets'
import { CategoryPicker, choosePhotos, formatTime, PhotoGrid, requestTicketSubscription, ticketsApi } from '@/features/tickets'
import { useMe, useRequirePersona } from '@/features/session'
import { go } from '@/services/navigate'
import { routes } from '@/services/routes'
import '@/features/tickets/components/tickets.scss'
import '../pages.scss'

/**
 * 我要报事: what kind of problem, what happened, photos, where (prefilled from the registration),
 * whether neighbours may see the name. One screen, large type; the report goes to the party that
 * handles this kind of problem in the compound.
 */
export default function CreateTicketPage() {
  const hasPersona = useRequirePersona(routes.ticketsCreate)
  const { me, error: meError, reload } = useMe({ enabled: hasPersona })
  const [category, setCategory] = useState<TicketCategory>()
  const [description, setDescription] = useState('')
  const [photos, setPhotos] = useState<Photo[]>([])
  const [uploading, setUploading] = useState(false)
  const [elsewhere, setElsewhere] = useState(false)
  const [showName, setShowName] = useState(false)
  // Off until the resident ticks it: the number goes onto the report only with this consent.
  const [shareMobile, setShareMobile] = useState(false)
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState('')
  const [sent, setSent] = useState<TicketDetail>()

  if (!hasPersona) return <PageContainer><LoadingState text='请先选择演示身份…' /></PageContainer>
  if (meError) return <PageContainer><ErrorState error={meError} onRetry={() => void reload()} /></PageContainer>
  if (!me) return <PageContainer><LoadingState /></PageContainer>
  if (sent) {
    return (
      <PageContainer>
        <SuccessState
          title='已提交，将尽快处理'
          description={`编号 ${sent._id}。已交给${sent.partyName}牵头办理，${formatTime(sent.acceptBy)}前受理；办理进展会通过微信通知您，办结后请您评价。`}
        >
          <BigButton onClick={() => go('ticketsDetail', { id: sent._id })}>查看详情</BigButton>
          <BigButton fill='outline' onClick={() => go('ticketsWork', { scope: 'mine' })}>
            我反映的问题
          </BigButton>
        </SuccessState>
      </PageContainer>
    )
  }

  const { gridId, gridName, buildingId, buildingName, communityName, mobileMasked } = me.profile
  if (!gridId) {
    return (
      <PageContainer>
        <Section title='请先设置住址'>
          <Text className='tk-note'>反映问题需要知道您住在哪个小区，问题会直接交给这个小区的物业、业委会和居委会处理。</Text>
          <BigButton onClick={() => go('noticesResidence')}>设置住址</BigButton>
        </Section>
      </PageContainer>
    )
  }

  const addPhotos = async () => {
    setUploading(true)
    const reply = await choosePhotos(TICKET_LIMITS.photos - photos.length, me.openid)
    setUploading(false)
    if (!reply) return
    if (!reply.ok) {
      Taro.showToast({ title: reply.error.message, icon: 'none' })
      return
    }
    setPhotos((prev) => [...prev, ...reply.data].slice(0, TICKET_LIMITS.photos))
  }

  const submit = async () => {
    void requestTicketSubscription()
    const text = description.trim()
    if (!category) return setProblem('请选择问题类型')
    if (text.length < TICKET_LIMITS.descriptionMin) return setProblem('请把问题写清楚一些（至少5个字）')
    setProblem('')
    setBusy(true)
    const reply = await ticketsApi.create({
      category,
      description: text,
      photos: photos.map((p) => p.fileID),
      gridId,
      buildingId: elsewhere ? undefined : buildingId,
      showName,
      shareMobile: Boolean(mobileMasked) && shareMobile
    })
    setBusy(false)
    if (!reply.ok) {
      setProblem(reply.error.message)
      return
    }
    setSent(reply.data)
  }

  return (
    <PageContainer>
      <View className='tp__hero'>
        <Text className='tp__hero-title'>有问题，找三方</Text>
        <Text className='tp__hero-sub'>居委会、业委会、物业共同办理，办结后请您评价</Text>
      </View>
      <View className='tk-links'>
        <View className='tk-link' onClick={() => go('ticketsWork', { scope: 'mine' })}>
          <Text className='tk-link__badge'>我</Text>
          <Text className='tk-link__text'>我反映的问题</Text>
        </View>
        <View className='tk-link' onClick={() => go('ticketsWishes')}>
          <Text className='tk-link__badge'>愿</Text>
          <Text className='tk-link__text'>微心愿</Text>
        </View>
      </View>
      <Section title='1. 什么问题'>
        <CategoryPicker value={category} onChange={setCategory} />
      </Section>
      <Section title='2. 具体情况'>
        <View className='tk-field'>
          <Textarea
            className='tk-field__textarea'
            value={description}
            maxlength={TICKET_LIMITS.descriptionMax}
            placeholder='请说明问题在哪里、什么情况，例如：3号楼东侧下水道堵塞，污水漫到路上'
            onInput={(e) => setDescription(e.detail.value)}
            autoHeight
          />
          <Text className='tk-field__hint'>
            {description.trim().length}/{TICKET_LIMITS.descriptionMax}字
          </Text>
        </View>
        <Text className='tk-field__label'>照片（可选，最多{TICKET_LIMITS.photos}张）</Text>
        <PhotoGrid photos={photos} max={TICKET_LIMITS.photos} onAdd={() => void addPhotos()} adding={uploading} onRemove={(i) => setPhotos((prev) => prev.filter((_, k) => k !== i))} />
      </Section>
      <Section title='3. 在哪里'>
        <View className='tk-kv'>
          <Text className='tk-kv__k'>小区</Text>
          <Text className='tk-kv__v'>
            {communityName} {gridName}
          </Text>
        </View>
        {buildingId ? (
          <>
            <View className='tk-kv'>
              <Text className='tk-kv__k'>楼栋</Text>
              <Text className='tk-kv__v'>{elsewhere ? '不在我家楼栋（请在上面写明位置）' : buildingName}</Text>
            </View>
            <Check checked={elsewhere} onChange={setElsewhere}>
              问题不在我家楼栋
            </Check>
          </>
        ) : null}
        <Check checked={showName} onChange={setShowName}>
          允许邻居看到我的姓名（电话始终不公开）
        </Check>
        {mobileMasked ? (
          <Check checked={shareMobile} onChange={setShareMobile}>
            {`允许处理人员拨打我的手机 ${mobileMasked} 联系我`}
          </Check>
        ) : null}
      </Section>
      {problem ? <Text className='tk-warn'>{problem}</Text> : null}
      <View className='tk-buttons'>
        <BigButton loading={busy} disabled={busy || uploading} onClick={() => void submit()}>
          提交反映
        </BigButton>
      </View>
    </PageContainer>
  )
}
