import { useEffect } from 'react'
import { Text, View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh } from '@tarojs/taro'
import { BigButton, ErrorState, LoadingState, PageContainer, Section } from '@/components'
import type { Registration } from '@contracts/members'
import { formatTime, History, membersApi, PlacementCard, RegistrationInfo, ScanEntry } from '@/features/register'
import { hasRole, useMe, useRequirePersona } from '@/features/session'
import { useCall } from '@/services/cloud'
import { routes, urlOf } from '@/services/routes'
import '@/features/register/components/register.scss'

function StatusBanner({ kind, icon, title, desc }: { kind: 'pending' | 'approved' | 'rejected'; icon: string; title: string; desc: string }) {
  return (
    <View className={`rg-status rg-status--${kind}`} data-testid={`status-${kind}`}>
      <Text className='rg-status__icon'>{icon}</Text>
      <View className='rg-status__main'>
        <Text className='rg-status__title'>{title}</Text>
        <Text className='rg-status__desc'>{desc}</Text>
      </View>
    </View>
  )
}

const editUrl = (r: Registration) => urlOf('registerForm', { scene: r.scene })

/**
 * 我的报到: where the member serves (their 党支部, 党小组 and 党员中心户 with whom to contact), a
 * registration waiting for review (editable), or why one was not approved.
 */
export default function RegisterMinePage() {
  const hasPersona = useRequirePersona(routes.registerMine)
  const session = useMe({ enabled: hasPersona })
  const state = useCall(async () => (hasPersona ? membersApi.me() : { ok: false as const, error: { code: 'UNAUTHENTICATED' as const, message: '请先选择演示身份' } }), [hasPersona])
  useDidShow(() => {
    if (hasPersona && state.data) void state.reload()
  })
  usePullDownRefresh(() => {
    void state.reload().finally(() => Taro.stopPullDownRefresh())
  })
  // An approval just granted the member role: refresh the session so the home screen shows it.
  const approvedNow = Boolean(state.data?.approved)
  const sessionIsMember = session.me ? hasRole(session.me, 'member') : true
  useEffect(() => {
    if (approvedNow && !sessionIsMember) void session.reload()
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [approvedNow, sessionIsMember])

  if (!hasPersona) return <PageContainer><LoadingState text='请先选择演示身份…' /></PageContainer>
  if (state.error && !state.data) return <PageContainer><ErrorState error={state.error} onRetry={() => void state.reload()} /></PageContainer>
  if (!state.data) return <PageContainer><LoadingState /></PageContainer>
  const { approved, pending, rejected } = state.data

  const open = (url: string) => void Taro.navigateTo({ url })
  return (
    <PageContainer>
      {!approved && !pending && !rejected ? (
        <>
          <View className='rg-hero'>
            <Text className='rg-hero__title'>您还没有报到</Text>
            <Text className='rg-hero__sub'>在职党员请到居住地社区报到：扫描社区张贴的报到码，填写信息，社区审核后编入网格党支部和楼栋党小组。</Text>
          </View>
          <Section title='扫描社区报到码'>
            <ScanEntry onScene={(scene) => open(urlOf('registerForm', { scene }))} />
          </Section>
        </>
      ) : null}

      {pending ? (
        <>
          <StatusBanner
            kind='pending'
            icon='审'
            title={pending.transferFrom ? '转入申请审核中' : '报到审核中'}
            desc={`${pending.communityName}正在审核您${formatTime(pending.submittedAt).slice(0, 10)}提交的报到，结果会通知您。审核前可以修改。`}
          />
          <Section title={pending.transferFrom ? '转入申请' : '报到信息'} subtitle={pending.communityName}>
            <RegistrationInfo registration={pending} mobile={pending.mobile} />
            <View className='rg-buttons'>
              <BigButton fill='outline' onClick={() => open(editUrl(pending))}>修改报到信息</BigButton>
            </View>
          </Section>
        </>
      ) : null}

      {rejected ? (
        <>
          <StatusBanner kind='rejected' icon='!' title='报到未通过' desc={`${rejected.communityName}：${rejected.rejectReason ?? ''}`} />
          <View className='rg-buttons'>
            <BigButton onClick={() => open(editUrl(rejected))}>修改后重新报到</BigButton>
          </View>
        </>
      ) : null}

      {approved ? (
        <>
          <StatusBanner kind='approved' icon='✓' title={`已在${approved.communityName}报到`} desc={`${formatTime(approved.reviewedAt).slice(0, 10)}审核通过，以下是您所在的党组织`} />
          {approved.placement ? (
            <Section title='我的党组织' subtitle={approved.gridName}>
              <PlacementCard communityName={approved.communityName} placement={approved.placement} />
            </Section>
          ) : null}
          <Section title='报到信息'>
            <RegistrationInfo registration={approved} mobile={approved.mobile} />
          </Section>
          {!pending ? <Text className='rg-note'>搬家了？扫描新住址社区的报到码即可申请转入，新社区审核通过后自动从原社区转出。</Text> : null}
        </>
      ) : null}

      {[pending, approved].some((r) => r?.history?.length) ? (
        <Section title='办理记录'>
          <History history={[...(approved?.history ?? []), ...(pending?.history ?? [])].sort((a, b) => a.at.localeCompare(b.at))} />
        </Section>
      ) : null}
    </PageContainer>
  )
}
