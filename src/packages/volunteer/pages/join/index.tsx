import { useEffect, useRef, useState } from 'react'
import { Input, Text, View } from '@tarojs/components'
import { useRouter } from '@tarojs/taro'
import { BigButton, LoadingState, PageContainer, Section } from '@/components'
import { SuccessState } from '@/components/SuccessState'
import { joinVolunteersInput } from '@contracts/activities'
import { CONSENT_PURPOSE_TEXT } from '@contracts/privacy'
import { activitiesApi, nextOf, returnAfterJoin } from '@/features/volunteer'
import { useMe, useRequirePersona } from '@/features/session'
import { go } from '@/services/navigate'
import { urlOf } from '@/services/routes'
import './index.scss'

type FieldKey = 'name' | 'mobile' | 'consent'

const PURPOSE = CONSENT_PURPOSE_TEXT.volunteer

/**
 * 志愿者实名登记 (《志愿服务条例》第七条): name, mobile and consent, once, before a first sign-up by
 * anyone not a party member. Afterwards back to `?next=` (the activity, which signs up again).
 * A name or mobile already registered (staff, a former member) is shown and kept as it is.
 */
export default function VolunteerJoinPage() {
  const rawNext = useRouter().params.next
  const next = nextOf(rawNext)
  const hasPersona = useRequirePersona(urlOf('volunteerJoin', { next }))
  const { me } = useMe({ enabled: hasPersona })
  const knownName = me?.profile.name
  const knownMobile = me?.profile.mobileMasked
  const [name, setName] = useState('')
  const [mobile, setMobile] = useState('')
  const [consent, setConsent] = useState(false)
  const [errors, setErrors] = useState<Partial<Record<FieldKey, string>>>({})
  const [problem, setProblem] = useState('')
  const [busy, setBusy] = useState(false)
  const [joined, setJoined] = useState<'new' | 'already'>()
  // The automatic return after joining: a tap on 返回报名 first cancels it, so it runs once.
  const returnTimer = useRef<ReturnType<typeof setTimeout>>()
  const returned = useRef(false)

  useEffect(() => {
    if (knownName) setName(knownName)
  }, [knownName])
  useEffect(() => () => clearTimeout(returnTimer.current), [])

  const goBack = (to: string) => {
    clearTimeout(returnTimer.current)
    if (returned.current) return
    returned.current = true
    returnAfterJoin(to)
  }

  if (!hasPersona || !me) return <PageContainer><LoadingState /></PageContainer>
  if (joined) {
    return (
      <PageContainer>
        <SuccessState
          title={joined === 'already' ? '您已登记过' : '志愿者登记成功'}
          description={next ? '正在返回报名…' : '以后报名志愿活动不用再填；服务时长审核通过后会计入您的志愿服务记录。'}
        >
          {next ? <BigButton onClick={() => goBack(next)}>返回报名</BigButton> : <BigButton onClick={() => go('activities')}>去报名志愿活动</BigButton>}
        </SuccessState>
      </PageContainer>
    )
  }

  const clear = (key: FieldKey) => {
    setErrors((e) => ({ ...e, [key]: undefined }))
    setProblem('')
  }

  const submit = async () => {
    const input = { name: knownName || name, ...(knownMobile ? {} : { mobile: mobile.trim() }), consent }
    const parsed = joinVolunteersInput.safeParse(input)
    if (!parsed.success) {
      const found: Partial<Record<FieldKey, string>> = {}
      for (const issue of parsed.error.issues) {
        const key = String(issue.path[0]) as FieldKey
        if (!found[key]) found[key] = key === 'mobile' && !input.mobile ? '请填写手机号' : issue.message
      }
      setErrors(found)
      return
    }
    setBusy(true)
    const reply = await activitiesApi.joinVolunteers(parsed.data)
    setBusy(false)
    if (!reply.ok) {
      const field = reply.error.fields?.[0]?.split('.')[0] as FieldKey | undefined
      if (field === 'name' || field === 'mobile' || field === 'consent') setErrors({ [field]: reply.error.message })
      else setProblem(reply.error.message)
      return
    }
    setJoined(reply.data.already ? 'already' : 'new')
    // Back to the sign-up it interrupted, which then goes on by itself.
    if (next) returnTimer.current = setTimeout(() => goBack(next), 900)
  }

  return (
    <PageContainer>
      <Section title='志愿者实名登记'>
        <Text className='vj__lead'>
          按照《志愿服务条例》，报名志愿活动需要实名登记。只需登记一次，以后报名不用再填。
        </Text>
        <View className='vj__field'>
          <Text className='vj__label'>姓名</Text>
          {knownName ? (
            <Text className='vj__fixed' data-testid='join-name-fixed'>{knownName}</Text>
          ) : (
            <Input
              className='vj__input'
              value={name}
              maxlength={20}
              placeholder='请填写真实姓名'
              onInput={(e) => {
                setName(e.detail.value)
                clear('name')
              }}
              data-testid='join-name'
            />
          )}
          {errors.name ? <Text className='vj__error'>{errors.name}</Text> : null}
        </View>
        <View className='vj__field'>
          <Text className='vj__label'>手机号</Text>
          {knownMobile ? (
            <Text className='vj__fixed' data-testid='join-mobile-fixed'>{knownMobile}</Text>
          ) : (
            <Input
              className='vj__input'
              type='number'
              value={mobile}
              maxlength={11}
              placeholder='11位手机号'
              onInput={(e) => {
                setMobile(e.detail.value)
                clear('mobile')
              }}
              data-testid='join-mobile'
            />
          )}
          {errors.mobile ? (
            <Text className='vj__error'>{errors.mobile}</Text>
          ) : (
            <Text className='vj__hint'>{knownName || knownMobile ? '已登记的信息不会被更改，如需更正请联系社区工作人员。' : '活动组织者和您所在队伍的队长、社区工作人员可看到打码后的号码，用于联系您。'}</Text>
          )}
        </View>
      </Section>

      <Section title='个人信息使用说明'>
        <View className='vj__rules'>
          <Text className='vj__rule'>1. 用途：{PURPOSE.covers}。</Text>
          <Text className='vj__rule'>2. 谁能看到：您报名活动的组织者（社区或区级工作人员）可看到您的姓名和打码后的手机号；您加入队伍后，队长和管理队伍的社区工作人员也能看到；需要联系您时才查看完整号码，每次查看都会留痕。</Text>
          <Text className='vj__rule'>3. 保存多久：在您保持志愿者登记期间保存；{PURPOSE.kept}。</Text>
          <Text className='vj__rule'>4. 可以撤回：随时可在“我的 → 个人信息与隐私”中撤回。撤回后{PURPOSE.stops}。</Text>
        </View>
        <View
          className='vj__consent'
          data-testid='join-consent'
          onClick={() => {
            setConsent(!consent)
            clear('consent')
          }}
        >
          <View className={`vj__box${consent ? ' vj__box--on' : ''}`}>{consent ? '✓' : ''}</View>
          <Text className='vj__consent-text'>我已阅读上述说明，同意社区为组织志愿服务活动使用我的姓名和手机号</Text>
        </View>
        {errors.consent ? <Text className='vj__error'>{errors.consent}</Text> : null}
      </Section>

      {problem ? <Text className='vj__error'>{problem}</Text> : null}
      <View className='vj__buttons'>
        <BigButton loading={busy} disabled={busy} onClick={() => void submit()}>
          {next ? '登记并返回报名' : '完成登记'}
        </BigButton>
      </View>
    </PageContainer>
  )
}
