import { useEffect, useState } from 'react'
import { Input, Text, View } from '@tarojs/components'
import Taro from '@tarojs/taro'
import { BigButton, ErrorState, LoadingState, PageContainer, Section } from '@/components'
import { PARTIES, PARTY_LABELS, TICKET_CATEGORY_LABELS, type RoutingRuleView } from '@contracts/tickets'
import { Chips, ticketsApi } from '@/features/tickets'
import { hasRole, useMe, useRequirePersona } from '@/features/session'
import { useCall } from '@/services/cloud'
import { routes } from '@/services/routes'
import '@/features/tickets/components/tickets.scss'
import '../pages.scss'

/**
 * Which party leads each kind of problem and how fast it must be accepted and resolved. The
 * district admin changes them (applies to reports made afterwards); everyone else reads them.
 */
export default function RulesPage() {
  const hasPersona = useRequirePersona(routes.ticketsRules)
  const { me } = useMe({ enabled: hasPersona })
  const { data, error, loading, reload } = useCall(() => ticketsApi.rules(), [hasPersona])
  const [rules, setRules] = useState<RoutingRuleView[]>([])
  const [saving, setSaving] = useState<string>()
  useEffect(() => {
    if (data) setRules(data)
  }, [data])
  const admin = hasRole(me, 'district_admin')

  if (!hasPersona) return <PageContainer><LoadingState text='请先选择演示身份…' /></PageContainer>
  if (!data) return <PageContainer>{error && !loading ? <ErrorState error={error} onRetry={() => void reload()} /> : <LoadingState />}</PageContainer>

  const change = (i: number, patch: Partial<RoutingRuleView>) => setRules((prev) => prev.map((r, k) => (k === i ? { ...r, ...patch } : r)))
  const save = async (r: RoutingRuleView) => {
    setSaving(r.category)
    const reply = await ticketsApi.setRule({ category: r.category, leadParty: r.leadParty, acceptHours: r.acceptHours, resolveHours: r.resolveHours })
    setSaving(undefined)
    if (!reply.ok) return void Taro.showToast({ title: reply.error.message, icon: 'none' })
    Taro.showToast({ title: '已保存', icon: 'success' })
    void reload()
  }

  return (
    <PageContainer>
      <Text className='tk-note'>小区没有物业企业或业委会时，由居委会牵头办理。修改后对新反映的问题生效。</Text>
      <Section title='派单规则'>
        {rules.map((r, i) => (
          <View key={r.category} className='tp__rule'>
            <Text className='tp__rule-title'>
              {TICKET_CATEGORY_LABELS[r.category]}
              {r.isDefault ? <Text className='tk-tag tk-tag--grey tp__rule-tag'>默认</Text> : null}
            </Text>
            {admin ? (
              <>
                <Chips options={PARTIES.map((p) => ({ value: p, label: PARTY_LABELS[p] }))} value={r.leadParty} onChange={(p) => change(i, { leadParty: p })} />
                <View className='tp__hours'>
                  <Text className='tp__hours-label'>受理时限</Text>
                  <Input className='tp__hours-input' type='number' value={String(r.acceptHours)} onInput={(e) => change(i, { acceptHours: Number(e.detail.value) || 0 })} />
                  <Text>小时</Text>
                </View>
                <View className='tp__hours'>
                  <Text className='tp__hours-label'>办结时限</Text>
                  <Input className='tp__hours-input' type='number' value={String(r.resolveHours)} onInput={(e) => change(i, { resolveHours: Number(e.detail.value) || 0 })} />
                  <Text>小时</Text>
                </View>
                <BigButton fill='outline' loading={saving === r.category} onClick={() => void save(r)}>
                  保存{TICKET_CATEGORY_LABELS[r.category]}
                </BigButton>
              </>
            ) : (
              <Text className='tk-rank__sub'>
                {PARTY_LABELS[r.leadParty]}牵头 · {r.acceptHours}小时内受理 · {r.resolveHours}小时内办结
              </Text>
            )}
          </View>
        ))}
      </Section>
    </PageContainer>
  )
}
