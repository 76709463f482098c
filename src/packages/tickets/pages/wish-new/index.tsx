import { useState } from 'react'
import { Input, Text, Textarea, View } from '@tarojs/components'
import { BigButton, Check, LoadingState, PageContainer, Section } from '@/components'
import { SuccessState } from '@/components/SuccessState'
import { WISH_CATEGORIES, WISH_CATEGORY_LABELS, WISH_LIMITS, type Wish, type WishCategory } from '@contracts/wishes'
import { Chips, requestTicketSubscription, wishesApi } from '@/features/tickets'
import { useMe, useRequirePersona } from '@/features/session'
import { go } from '@/services/navigate'
import { routes } from '@/services/routes'
import '@/features/tickets/components/tickets.scss'
import '../pages.scss'

/** Post a 微心愿: what kind, one line, a few details; the compound comes from the registration. */
export default function WishNewPage() {
  const hasPersona = useRequirePersona(routes.ticketsWishNew)
  const { me } = useMe({ enabled: hasPersona })
  const [category, setCategory] = useState<WishCategory>('shopping')
  const [title, setTitle] = useState('')
  const [description, setDescription] = useState('')
  const [showName, setShowName] = useState(false)
  // Off until the resident ticks it: the number goes onto the wish only with this consent.
  const [shareMobile, setShareMobile] = useState(false)
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState('')
  const [sent, setSent] = useState<Wish>()

  if (!hasPersona || !me) return <PageContainer><LoadingState /></PageContainer>
  if (sent) {
    return (
      <PageContainer>
        <SuccessState title='心愿已提交，等待审核' description='社区工作人员审核通过后，心愿会公开给本社区党员认领；审核结果会通过微信通知您。'>
          <BigButton onClick={() => go('ticketsWish', { id: sent._id })}>查看心愿</BigButton>
          <BigButton fill='outline' onClick={() => go('ticketsWishes', { scope: 'mine' })}>
            我发布的心愿
          </BigButton>
        </SuccessState>
      </PageContainer>
    )
  }
  if (!me.profile.gridId) {
    return (
      <PageContainer>
        <Section title='请先设置住址'>
          <Text className='tk-note'>心愿会交给您所在社区的党员，需要先知道您住在哪里。</Text>
          <BigButton onClick={() => go('noticesResidence')}>设置住址</BigButton>
        </Section>
      </PageContainer>
    )
  }

  const mobileMasked = me.profile.mobileMasked
  const submit = async () => {
    void requestTicketSubscription()
    if (title.trim().length < 2) return setProblem('请写下您的心愿')
    setBusy(true)
    const reply = await wishesApi.create({ category, title: title.trim(), description: description.trim() || undefined, showName, shareMobile: Boolean(mobileMasked) && shareMobile })
    setBusy(false)
    if (!reply.ok) return setProblem(reply.error.message)
    setSent(reply.data)
  }

  return (
    <PageContainer>
      <Section title='需要什么帮助'>
        <Chips options={WISH_CATEGORIES.map((c) => ({ value: c, label: WISH_CATEGORY_LABELS[c] }))} value={category} onChange={setCategory} />
        <View className='tk-field'>
          <Text className='tk-field__label'>心愿（一句话）</Text>
          <Input className='tk-field__input' value={title} maxlength={WISH_LIMITS.titleMax} placeholder='例如：帮忙代买一周的降压药' onInput={(e) => setTitle(e.detail.value)} />
        </View>
        <View className='tk-field'>
          <Text className='tk-field__label'>补充说明（可不填）</Text>
          <Textarea className='tk-field__textarea' value={description} maxlength={WISH_LIMITS.descriptionMax} placeholder='时间、地点等' onInput={(e) => setDescription(e.detail.value)} />
        </View>
        <Text className='tk-kv__v'>
          {me.profile.gridName} {me.profile.buildingName ?? ''}
        </Text>
        <Check checked={showName} onChange={setShowName}>
          允许其他居民看到我的姓名（认领的党员始终可以看到姓名）
        </Check>
        {mobileMasked ? (
          <Check checked={shareMobile} onChange={setShareMobile}>
            {`允许处理人员拨打我的手机 ${mobileMasked} 联系我`}
          </Check>
        ) : null}
      </Section>
      <Text className='tk-note'>心愿提交后由社区工作人员审核，通过后才会公开给党员认领。</Text>
      {problem ? <Text className='tk-warn'>{problem}</Text> : null}
      <BigButton loading={busy} disabled={busy} onClick={() => void submit()}>
        发布心愿
      </BigButton>
    </PageContainer>
  )
}
