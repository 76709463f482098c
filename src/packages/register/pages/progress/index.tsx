import { useState } from 'react'
import { Input, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { BigButton, ErrorState, LoadingState, PageContainer, Section } from '@/components'
import { membersApi } from '@/features/register'
import { hasRole, useMe, useRequirePersona } from '@/features/session'
import { useCall } from '@/services/cloud'
import { routes } from '@/services/routes'
import '@/features/register/components/register.scss'

const pct = (n: number, of: number) => (of > 0 ? Math.min(100, Math.round((n / of) * 1000) / 10) : 0)

/**
 * 报到进度: registered, approved and pending per community, and for the district against its target
 * (district admin, who may change the target). Staff see their own community.
 */
export default function RegisterProgressPage() {
  const hasPersona = useRequirePersona(routes.registerProgress)
  const { me } = useMe({ enabled: hasPersona })
  const stats = useCall(() => membersApi.stats(), [hasPersona])
  const [target, setTarget] = useState('')
  const [saving, setSaving] = useState(false)

  if (!hasPersona) return <PageContainer><LoadingState /></PageContainer>
  if (stats.error && !stats.data) return <PageContainer><ErrorState error={stats.error} onRetry={() => void stats.reload()} /></PageContainer>
  if (!stats.data) return <PageContainer><LoadingState /></PageContainer>
  const s = stats.data
  const max = Math.max(1, ...s.communities.map((c) => c.registered))

  const saveTarget = async () => {
    const value = Number(target)
    if (!Number.isInteger(value) || value < 1) return void Taro.showToast({ title: '请输入正整数', icon: 'none' })
    setSaving(true)
    const reply = await membersApi.setTarget(value)
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
            已报到 {s.district.registered} 人 / 目标 {s.target} 人（完成 {pct(s.district.registered, s.target)}%）
          </Text>
          <View className='rg-progress' style={{ background: 'rgba(255,255,255,0.25)' }}>
            <View className='rg-progress__bar' style={{ width: `${pct(s.district.registered, s.target)}%`, background: '#f6c667' }} />
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
              <Text className='rg-kv__v' style={{ flex: 'none' }}>{c.registered} 人</Text>
            </View>
            <View className='rg-progress'>
              <View className='rg-progress__bar' style={{ width: `${pct(c.registered, max)}%` }} />
            </View>
            <Text className='rg-card__meta'>
              通过 {c.approved} · 待审核 {c.pending}
              {c.pendingTransfers ? `（转入 ${c.pendingTransfers}）` : ''}
            </Text>
          </View>
        ))}
      </Section>
      {hasRole(me, 'district_admin') ? (
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
