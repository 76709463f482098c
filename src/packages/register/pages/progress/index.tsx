import { useState } from 'react'
import { Input, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { MAX_REGISTRATION_TARGET, NO_TARGET_LABEL, targetPercentText } from '@contracts/members'
import { BigButton, ErrorState, LoadingState, PageContainer, Section } from '@/components'
import { membersApi } from '@/features/register'
import { hasRole, useMe, useRequirePersona } from '@/features/session'
import { useCall } from '@/services/cloud'
import { routes } from '@/services/routes'
import '@/features/register/components/register.scss'

const pct = (n: number, of: number) => (of > 0 ? Math.min(100, Math.round((n / of) * 1000) / 10) : 0)

/**
 * 报到进度: registered, approved and pending per community, each against its own target (未设目标
 * when the district gave it none), and for the district against its target (district admin, who
 * may change the district's target and set each community's). Staff see their own community.
 */
export default function RegisterProgressPage() {
  const hasPersona = useRequirePersona(routes.registerProgress)
  const { me } = useMe({ enabled: hasPersona })
  const stats = useCall(() => membersApi.stats(), [hasPersona])
  const [target, setTarget] = useState('')
  const [saving, setSaving] = useState(false)
  /** The admin's edits of the communities' targets (communityId → text typed; '' clears it). */
  const [edits, setEdits] = useState<Record<string, string>>({})
  const [savingTargets, setSavingTargets] = useState(false)

  if (!hasPersona) return <PageContainer><LoadingState /></PageContainer>
  if (stats.error && !stats.data) return <PageContainer><ErrorState error={stats.error} onRetry={() => void stats.reload()} /></PageContainer>
  if (!stats.data) return <PageContainer><LoadingState /></PageContainer>
  const s = stats.data
  const max = Math.max(1, ...s.communities.map((c) => c.registered))
  const isAdmin = hasRole(me, 'district_admin')
  const shown = (c: { communityId: string; target: number | null }) => edits[c.communityId] ?? (c.target === null ? '' : String(c.target))

  const saveCommunityTargets = async () => {
    const changed = s.communities.filter((c) => edits[c.communityId] !== undefined && shown(c) !== (c.target === null ? '' : String(c.target)))
    if (changed.length === 0) return void Taro.showToast({ title: '目标没有改动', icon: 'none' })
    const targets = []
    for (const c of changed) {
      const text = shown(c).trim()
      const value = text === '' ? null : Number(text)
      if (value !== null && (!Number.isInteger(value) || value < 1 || value > MAX_REGISTRATION_TARGET))
        return void Taro.showToast({ title: `${c.communityName}：请输入1至${MAX_REGISTRATION_TARGET}的整数，或留空表示未设目标`, icon: 'none' })
      targets.push({ communityId: c.communityId, target: value })
    }
    setSavingTargets(true)
    const reply = await membersApi.setCommunityTargets({ targets })
    setSavingTargets(false)
    if (!reply.ok) return void Taro.showToast({ title: reply.error.message, icon: 'none' })
    setEdits({})
    Taro.showToast({ title: `已更新${reply.data.changed}个社区的目标`, icon: 'success' })
    void stats.reload()
  }

  const saveTarget = async () => {
    const value = Number(target)
    if (!Number.isInteger(value) || value < 1) return void Taro.showToast({ title: '请输入正整数', icon: 'none' })
    setSaving(true)
    const reply = await membersApi.setTarget({ target: value })
    setSaving(false)
    if (!reply.ok) return void Taro.showToast({ title: reply.error.message, icon: 'none' })
    setTarget('')
    Taro.showToast({ title: '目标已更新', icon: 'success' })
    void stats.reload()
  }

  return (
    <PageContainer>
      {s.district ? (
        <View className='rg-hero'>
          <Text className='rg-hero__title'>全区在职党员报到</Text>
          <Text className='rg-hero__sub'>
            已报到（审核通过）{s.district.approved} 人 / 目标 {s.target} 人（完成 {targetPercentText(s.percent)}）
          </Text>
          <View className='rg-progress' style={{ background: 'rgba(255,255,255,0.25)' }}>
            <View className='rg-progress__bar' style={{ width: `${pct(s.district.approved, s.target)}%`, background: '#f6c667' }} />
          </View>
          <Text className='rg-hero__sub'>
            审核通过 {s.district.approved} 人 · 待审核 {s.district.pending} 人{s.district.pendingTransfers ? `（含转入 ${s.district.pendingTransfers} 人）` : ''}
          </Text>
        </View>
      ) : null}
      <Section title='各社区报到情况'>
        {s.communities.map((c) => (
          <View key={c.communityId} className='rg-kv' style={{ flexDirection: 'column' }} data-testid={`progress-${c.communityId}`}>
            <View style={{ display: 'flex', flexDirection: 'row', justifyContent: 'space-between' }}>
              <Text className='rg-card__name' style={{ fontSize: '18px' }}>{c.communityName}</Text>
              <Text className='rg-kv__v' style={{ flex: 'none' }} data-testid={`progress-percent-${c.communityId}`}>
                {c.target === null ? NO_TARGET_LABEL : `完成 ${targetPercentText(c.percent)}`}
              </Text>
            </View>
            <View className='rg-progress'>
              <View className='rg-progress__bar' style={{ width: `${c.target === null ? pct(c.registered, max) : pct(c.approved, c.target)}%` }} />
            </View>
            <Text className='rg-card__meta'>
              已报到（审核通过）{c.approved} 人{c.target === null ? '' : ` / 目标 ${c.target} 人`} · 待审核 {c.pending}
              {c.pendingTransfers ? `（转入 ${c.pendingTransfers}）` : ''}
            </Text>
          </View>
        ))}
      </Section>
      {isAdmin ? (
        <Section title='各社区报到目标' subtitle={`各社区合计 ${s.communityTargetsTotal} 人（全区 ${s.target} 人）`}>
          {s.communities.map((c) => (
            <View key={c.communityId} className='rg-field' data-testid={`target-input-${c.communityId}`}>
              <Text className='rg-field__label'>{c.communityName}</Text>
              <Input
                className='rg-field__input'
                type='number'
                value={shown(c)}
                placeholder={`${NO_TARGET_LABEL}（填写目标人数）`}
                onInput={(e) => setEdits((prev) => ({ ...prev, [c.communityId]: e.detail.value }))}
              />
            </View>
          ))}
          <Text className='rg-field__hint'>留空表示未设目标，该社区不计算完成率。</Text>
          <BigButton loading={savingTargets} disabled={savingTargets || Object.keys(edits).length === 0} onClick={() => void saveCommunityTargets()}>
            保存各社区目标
          </BigButton>
        </Section>
      ) : null}
      {isAdmin ? (
        <Section title='全区报到目标' subtitle={`当前 ${s.target} 人`}>
          <View className='rg-field'>
            <Input className='rg-field__input' type='number' value={target} placeholder='新的目标人数' onInput={(e) => setTarget(e.detail.value)} />
          </View>
          <BigButton loading={saving} disabled={saving || !target} onClick={() => void saveTarget()}>
            保存目标
          </BigButton>
        </Section>
      ) : null}
    </PageContainer>
  )
}
