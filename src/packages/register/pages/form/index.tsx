import { useEffect, useState } from 'react'
import { Text, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { BigButton, ErrorState, LoadingState, PageContainer, Section } from '@/components'
import { SuccessState } from '@/components/SuccessState'
import type { MeOutput, Registration, SceneOutput } from '@contracts/members'
import type { ReplyError } from '@contracts/reply'
import { askReviewMessage, membersApi, RegisterForm, ScanEntry, sceneFrom, type RegisterFormValues } from '@/features/register'
import { useMe, useRequirePersona } from '@/features/session'
import { go } from '@/services/navigate'
import { routes, urlOf } from '@/services/routes'
import '@/features/register/components/register.scss'

/** The fields of an earlier registration worth carrying over to a new community's form. */
function personal(r: Registration): Partial<RegisterFormValues> {
  return { name: r.name, mobile: r.mobile, workUnit: r.workUnit, partyOrg: r.partyOrg, skills: r.skills, services: r.services }
}

/**
 * The page a community's 报到码 opens (`?scene=`): the form with the community filled in. Without a
 * scene it offers to scan (or type) one — or continues the member's pending registration.
 * Submitting again while pending edits it; approved elsewhere, it starts a transfer.
 */
export default function RegisterFormPage() {
  const router = useRouter()
  const fromLink = sceneFrom(router.params.scene)
  const hasPersona = useRequirePersona(urlOf('registerForm', { scene: fromLink ?? undefined }))
  const { me: user } = useMe({ enabled: hasPersona })
  const [scene, setScene] = useState<string | null>(fromLink)
  const [mine, setMine] = useState<MeOutput>()
  const [community, setCommunity] = useState<SceneOutput>()
  const [error, setError] = useState<ReplyError>()
  const [attempt, setAttempt] = useState(0)
  const [sent, setSent] = useState<'new' | 'edited'>()

  useEffect(() => {
    if (!hasPersona) return
    let live = true
    setError(undefined)
    void membersApi.me().then((reply) => {
      if (!live) return
      if (!reply.ok) return setError(reply.error)
      setMine(reply.data)
      // Continue the pending registration when opened without a code.
      if (!fromLink && reply.data.pending?.scene) setScene((s) => s ?? reply.data.pending!.scene!)
    })
    return () => {
      live = false
    }
  }, [hasPersona, attempt, fromLink])

  useEffect(() => {
    if (!hasPersona || !scene) return
    let live = true
    setCommunity(undefined)
    void membersApi.scene({ scene }).then((reply) => {
      if (!live) return
      if (!reply.ok) return setError(reply.error)
      setCommunity(reply.data)
    })
    return () => {
      live = false
    }
  }, [hasPersona, scene, attempt])

  if (!hasPersona) return <PageContainer><LoadingState text='请先选择演示身份…' /></PageContainer>
  if (error) {
    return (
      <PageContainer>
        <ErrorState error={error} onRetry={() => setAttempt((n) => n + 1)}>
          {scene ? <BigButton fill='outline' onClick={() => { setScene(null); setError(undefined) }}>重新扫码</BigButton> : null}
        </ErrorState>
      </PageContainer>
    )
  }
  if (!mine) return <PageContainer><LoadingState /></PageContainer>

  if (!scene) {
    return (
      <PageContainer>
        <View className='rg-hero'>
          <Text className='rg-hero__title'>在职党员到居住地报到</Text>
          <Text className='rg-hero__sub'>扫描所住社区张贴的"在职党员报到"二维码，填写信息后由社区审核，编入网格党支部和楼栋党小组。</Text>
        </View>
        {mine.approved ? (
          <Section title='您已报到'>
            <Text className='rg-note'>您已在{mine.approved.communityName}报到。如果搬了家，扫描新住址社区的报到码即可申请转入。</Text>
            <View className='rg-buttons'>
              <BigButton fill='outline' onClick={() => go('registerMine')}>查看我的报到</BigButton>
            </View>
          </Section>
        ) : null}
        <Section title='扫描社区报到码'>
          <ScanEntry onScene={setScene} />
        </Section>
      </PageContainer>
    )
  }
  if (!community) return <PageContainer><LoadingState text='正在读取社区信息…' /></PageContainer>
  if (sent) {
    return (
      <PageContainer>
        <SuccessState
          title={sent === 'edited' ? '修改已保存' : '报到已提交，等待社区审核'}
          description={`${community.communityName}工作人员审核后会通过微信通知您；审核通过后，您将编入所住小区的网格党支部和楼栋党小组。`}
        >
          <BigButton onClick={() => void Taro.redirectTo({ url: routes.registerMine })}>查看我的报到</BigButton>
        </SuccessState>
      </PageContainer>
    )
  }

  const { pending, approved } = mine
  const editing = pending && pending.communityId === community.communityId ? pending : null
  const approvedHere = approved && approved.communityId === community.communityId

  if (approvedHere && !pending) {
    return (
      <PageContainer>
        <View className='rg-hero'>
          <Text className='rg-hero__title'>您已在本社区报到</Text>
          <Text className='rg-hero__place'>{community.communityName}</Text>
        </View>
        <View className='rg-buttons'>
          <BigButton onClick={() => void Taro.redirectTo({ url: routes.registerMine })}>查看我的报到</BigButton>
        </View>
        <Text className='rg-note'>如需修改报到信息，请联系社区工作人员。</Text>
      </PageContainer>
    )
  }

  const initial: Partial<RegisterFormValues> = editing
    ? { ...personal(editing), gridId: editing.gridId, buildingId: editing.buildingId, unit: editing.unit, room: editing.room }
    : pending
      ? personal(pending)
      : approved
        ? personal(approved)
        : { name: user?.profile.name }

  const submit = async (input: Parameters<typeof membersApi.register>[0]): Promise<ReplyError | null> => {
    const reply = await membersApi.register(input)
    if (!reply.ok) return reply.error
    setSent(editing ? 'edited' : 'new')
    return null
  }

  return (
    <PageContainer>
      <View className='rg-hero'>
        <Text className='rg-hero__title'>{editing ? '修改报到信息' : '在职党员报到'}</Text>
        <Text className='rg-hero__sub'>
          {editing ? '审核前可以随时修改，修改后社区看到的是最新信息。' : '填写后由社区审核，审核通过后编入您所住小区的网格党支部和楼栋党小组。'}
        </Text>
        <Text className='rg-hero__place' data-testid='form-community'>{community.communityName}</Text>
      </View>
      {approved && !approvedHere ? (
        <Text className='rg-warn'>
          您目前在{approved.communityName}报到。提交后将申请转入{community.communityName}，审核通过后自动从原社区转出。
        </Text>
      ) : null}
      {pending && !editing ? (
        <Text className='rg-warn'>
          您在{pending.communityName}的报到尚未审核。提交后将改为向{community.communityName}报到。
        </Text>
      ) : null}
      <RegisterForm
        community={community}
        initial={initial}
        submitLabel={editing ? '保存修改' : '提交报到'}
        onBeforeSubmit={() => askReviewMessage(community.templateIds)}
        onSubmit={submit}
      />
    </PageContainer>
  )
}
