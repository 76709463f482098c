import { useEffect, useState } from 'react'
import { Text, Textarea, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { BigButton, ErrorState, LoadingState, PageContainer, Section } from '@/components'
import type { PlacementInput, PlacementOptions, Registration } from '@contracts/members'
import type { ReplyError } from '@contracts/reply'
import { ChoiceChips, dial, History, KeyValue, membersApi, RegistrationInfo, StatusTag } from '@/features/register'
import { useRequirePersona } from '@/features/session'
import { routes } from '@/services/routes'
import '@/features/register/components/register.scss'

const householdLabel = (h: { buildingName: string; name: string } | undefined) => (h ? `${h.buildingName} ${h.name}` : '')

const QUICK_REASONS = ['住址不在本社区辖区', '所在党组织信息不完整', '工作单位信息有误', '无法联系本人核实']

/**
 * One registration for staff: what the member submitted (the full number on request, audited),
 * and the decision — approve with the placement (suggested from the address, each level
 * changeable with one tap) or reject with a reason the member will read.
 */
export default function RegisterDetailPage() {
  const { params } = useRouter()
  const id = params.id ?? ''
  const hasPersona = useRequirePersona(`${routes.registerDetail}?id=${id}`)
  const [registration, setRegistration] = useState<Registration>()
  const [options, setOptions] = useState<PlacementOptions>()
  const [placement, setPlacement] = useState<PlacementInput>()
  const [mobile, setMobile] = useState<string>()
  const [rejecting, setRejecting] = useState(false)
  const [adjusting, setAdjusting] = useState(false)
  const [reason, setReason] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ReplyError>()
  const [problem, setProblem] = useState('')
  const [attempt, setAttempt] = useState(0)

  useEffect(() => {
    if (!hasPersona || !id) return
    void membersApi.detail({ registrationId: id }).then((reply) => {
      if (!reply.ok) return setError(reply.error)
      setRegistration(reply.data.registration)
      if (reply.data.registration.status === 'pending') {
        void membersApi.placementOptions({ registrationId: id }).then((o) => {
          if (!o.ok) return setProblem(o.error.message)
          setOptions(o.data)
          setPlacement(o.data.suggested)
        })
      }
    })
  }, [hasPersona, id, attempt])

  if (!hasPersona) return <PageContainer><LoadingState /></PageContainer>
  if (error) return <PageContainer><ErrorState error={error} onRetry={() => { setError(undefined); setAttempt((n) => n + 1) }} /></PageContainer>
  if (!registration) return <PageContainer><LoadingState /></PageContainer>
  const r = registration

  const reveal = async () => {
    const reply = await membersApi.revealMobile({ registrationId: r.id })
    if (!reply.ok) return void Taro.showToast({ title: reply.error.message, icon: 'none' })
    setMobile(reply.data.mobile)
  }

  /** Another compound's branch: fetch that grid's groups and households, pick the first group. */
  const chooseBranch = async (branchId: string) => {
    const branch = options?.branches.find((b) => b.id === branchId)
    if (!branch || !options) return
    if (branch.gridId === options.gridId) return setPlacement((p) => ({ ...(p as PlacementInput), branchId }))
    const reply = await membersApi.placementOptions(branch.gridId ? { registrationId: r.id, gridId: branch.gridId } : { registrationId: r.id })
    if (!reply.ok) return setProblem(reply.error.message)
    setOptions(reply.data)
    setPlacement({ branchId, partyGroupId: reply.data.partyGroups[0]?.id ?? '', centralHouseholdId: reply.data.centralHouseholds[0]?.id })
  }

  const decide = async (decision: 'approve' | 'reject') => {
    if (decision === 'reject' && !reason.trim()) return setProblem('请填写或选择未通过的原因，成员会看到它')
    setBusy(true)
    setProblem('')
    const reply = await membersApi.review(
      decision === 'approve' ? { registrationId: r.id, decision, placement } : { registrationId: r.id, decision, reason: reason.trim() }
    )
    setBusy(false)
    if (!reply.ok) {
      setProblem(reply.error.message)
      if (reply.error.code === 'CONFLICT') setAttempt((n) => n + 1)
      return
    }
    setRegistration(reply.data.registration)
    Taro.showToast({ title: decision === 'approve' ? '已通过并编入' : '已退回', icon: 'success' })
    setTimeout(() => void Taro.navigateBack().catch(() => {}), 900)
  }

  const suggested = options?.suggested
  const mark = (label: string, isSuggested: boolean) => (isSuggested ? `${label}（建议）` : label)

  return (
    <PageContainer>
      <View className='rg-status rg-status--pending' style={{ background: '#ffffff' }}>
        <View className='rg-status__main'>
          <Text className='rg-status__title'>{r.name}</Text>
          <Text className='rg-status__desc'>
            {r.communityName} · <StatusTag status={r.status} transfer={!!r.transferFrom} />
          </Text>
        </View>
      </View>
      {r.transferFrom ? <Text className='rg-warn'>该党员目前在{r.transferFrom.communityName}报到，通过后自动从原社区转出。</Text> : null}
      {r.rejectReason ? <Text className='rg-warn'>未通过原因：{r.rejectReason}</Text> : null}

      <Section title='报到信息'>
        <RegistrationInfo registration={r} mobile={mobile} onRevealMobile={() => void reveal()} />
        {mobile ? (
          <View className='rg-buttons'>
            <BigButton fill='outline' onClick={() => dial(mobile)}>拨打电话</BigButton>
          </View>
        ) : null}
      </Section>

      {r.status === 'approved' && r.placement ? (
        <Section title='所在党组织'>
          <Text className='rg-note'>{r.placement.branch.name}</Text>
          <Text className='rg-note'>{r.placement.partyGroup.name}</Text>
          <Text className='rg-note'>党员中心户：{r.placement.centralHousehold?.name ?? '未设立'}</Text>
        </Section>
      ) : null}

      {r.status === 'pending' && options && placement ? (
        <>
          <Section title='编入党组织' subtitle={adjusting ? '点选即可修改' : '已按住址推荐'}>
            <KeyValue k='网格党支部'>{options.branches.find((b) => b.id === placement.branchId)?.name ?? ''}</KeyValue>
            <KeyValue k='楼栋党小组'>{options.partyGroups.find((g) => g.id === placement.partyGroupId)?.name ?? '请选择'}</KeyValue>
            <KeyValue k='党员中心户' action={adjusting ? undefined : '调整'} onAction={() => setAdjusting(true)}>
              {placement.centralHouseholdId ? householdLabel(options.centralHouseholds.find((h) => h.id === placement.centralHouseholdId)) : '暂不编入'}
            </KeyValue>
            {adjusting ? (
              <View className='rg-adjust'>
                <Text className='rg-field__label'>网格党支部</Text>
                <ChoiceChips
                  options={options.branches.map((b) => ({ value: b.id, label: mark(b.name, b.id === suggested?.branchId) }))}
                  value={placement.branchId}
                  small
                  onChange={(v) => void chooseBranch(v as string)}
                  testid='branch'
                />
                <Text className='rg-field__label'>楼栋党小组</Text>
                <ChoiceChips
                  options={options.partyGroups.map((g) => ({ value: g.id, label: mark(g.name.replace(/^.*?(\d+号楼)/, '$1'), g.id === suggested?.partyGroupId) }))}
                  value={placement.partyGroupId}
                  small
                  onChange={(v) => setPlacement({ ...placement, partyGroupId: v as string })}
                  testid='group'
                />
                <Text className='rg-field__label'>党员中心户</Text>
                <ChoiceChips
                  options={[
                    ...options.centralHouseholds.map((h) => ({ value: h.id, label: mark(householdLabel(h), h.id === suggested?.centralHouseholdId) })),
                    { value: '', label: '暂不编入' }
                  ]}
                  value={placement.centralHouseholdId ?? ''}
                  small
                  onChange={(v) => setPlacement({ ...placement, centralHouseholdId: (v as string) || undefined })}
                  testid='household'
                />
              </View>
            ) : null}
          </Section>
          {rejecting ? (
            <Section title='未通过的原因' subtitle='成员会收到这条说明'>
              <ChoiceChips options={QUICK_REASONS.map((q) => ({ value: q, label: q }))} value={reason} small onChange={(v) => setReason(v as string)} />
              <View className='rg-field'>
                <Textarea className='rg-field__textarea' value={reason} maxlength={200} placeholder='请写明原因，便于成员修改后重新报到' onInput={(e) => setReason(e.detail.value)} data-testid='reject-reason' />
              </View>
            </Section>
          ) : null}
          {problem ? <Text className='rg-warn'>{problem}</Text> : null}
          <View className='rg-buttons'>
            {rejecting ? (
              <>
                <BigButton loading={busy} disabled={busy} onClick={() => void decide('reject')}>确认不通过</BigButton>
                <BigButton type='default' onClick={() => setRejecting(false)}>返回</BigButton>
              </>
            ) : (
              <>
                <BigButton loading={busy} disabled={busy} onClick={() => void decide('approve')}>通过并编入</BigButton>
                <BigButton fill='outline' onClick={() => setRejecting(true)}>不通过</BigButton>
              </>
            )}
          </View>
        </>
      ) : r.status === 'pending' ? (
        problem ? <Text className='rg-warn'>{problem}</Text> : <LoadingState text='正在推荐编入的党组织…' />
      ) : null}

      {r.history?.length ? (
        <Section title='办理记录'>
          <History history={r.history} />
        </Section>
      ) : null}
    </PageContainer>
  )
}
