import { useEffect, useState } from 'react'
import { Text, Textarea, View } from '@tarojs/components'
import Taro, { useRouter } from '@tarojs/taro'
import { BigButton, ErrorState, LoadingState, PageContainer, Section } from '@/components'
import { COMPANY_KIND_LABELS } from '@contracts/companies'
import { companiesApi, currentMonth, monthLabel, previousMonth, ScorecardView, shiftMonth } from '@/features/tickets'
import { hasRole, useMe, useRequirePersona } from '@/features/session'
import { useCall } from '@/services/cloud'
import { urlOf } from '@/services/routes'
import '@/features/tickets/components/tickets.scss'
import '../pages.scss'

function Stepper({ label, value, onChange }: { label: string; value: number; onChange: (n: number) => void }) {
  return (
    <View className='tp__stepper'>
      <Text className='tp__stepper-label'>{label}</Text>
      <Text className='tp__stepper-btn' onClick={() => onChange(Math.max(0, value - 1))}>
        −
      </Text>
      <Text className='tp__stepper-value'>{value}</Text>
      <Text className='tp__stepper-btn' onClick={() => onChange(value + 1)}>
        +
      </Text>
    </View>
  )
}

/** A property company: its profile, the compounds it serves, and its scorecard for a month. */
export default function CompanyPage() {
  const params = useRouter().params
  const id = params.id ?? ''
  const hasPersona = useRequirePersona(urlOf('ticketsCompany', { id }))
  const { me } = useMe({ enabled: hasPersona })
  const [month, setMonth] = useState<string | undefined>(params.month)
  const { data: company, error, loading, reload } = useCall(() => companiesApi.get({ companyId: id }), [id, hasPersona])
  // Until the month is known the card waits (a pending call, dropped when the month arrives).
  const { data: card, error: cardError, loading: cardLoading, reload: reloadCard } = useCall(() => (month ? companiesApi.scorecard({ companyId: id, month }) : new Promise<never>(() => {})), [id, month, hasPersona])
  const admin = hasRole(me, 'district_admin')

  // Opens on the newest published month (a resident sees nothing before publication): the
  // company's badge names it; without a badge (not ranked) the ranking tells. The district admin
  // sees every month, and starts on the month under review.
  useEffect(() => {
    if (month || !company || !me) return
    if (company.badge) return setMonth(company.badge.month)
    if (admin) return setMonth(previousMonth())
    let live = true
    void companiesApi.ranking({}).then((reply) => live && setMonth((reply.ok && reply.data.latestPublished) || previousMonth()))
    return () => {
      live = false
    }
  }, [month, company, me, admin])
  const [joint, setJoint] = useState(0)
  const [meetings, setMeetings] = useState(0)
  const [note, setNote] = useState('')
  const [busy, setBusy] = useState(false)

  useEffect(() => {
    if (!card) return
    setJoint(card.partyBuilding.jointActivities)
    setMeetings(card.partyBuilding.meetingsAttended)
    setNote(card.partyBuilding.note ?? '')
  }, [card])

  if (!hasPersona) return <PageContainer><LoadingState text='请先选择演示身份…' /></PageContainer>
  if (!company) return <PageContainer>{error && !loading ? <ErrorState error={error} onRetry={() => void reload()} /> : <LoadingState />}</PageContainer>

  const save = async () => {
    if (!month) return
    setBusy(true)
    const reply = await companiesApi.setPartyBuilding({ companyId: id, month, jointActivities: joint, meetingsAttended: meetings, note: note.trim() || undefined })
    setBusy(false)
    if (!reply.ok) return void Taro.showToast({ title: reply.error.message, icon: 'none', duration: 2500 })
    Taro.showToast({ title: '已保存', icon: 'success' })
    void reloadCard()
  }

  return (
    <PageContainer>
      <Section title={company.name} subtitle={COMPANY_KIND_LABELS[company.kind]}>
        {company.badge ? (
          <View>
            {company.badge.banner ? <Text className='tk-tag tk-tag--gold'>流动红旗</Text> : null}
            {company.badge.list === 'red' ? <Text className='tk-tag tk-tag--red'>红榜</Text> : company.badge.list === 'black' ? <Text className='tk-tag tk-tag--dark'>黑榜</Text> : null}
            <Text className='tk-tag tk-tag--grey'>
              {monthLabel(company.badge.month)}第{company.badge.rank}名
            </Text>
          </View>
        ) : null}
        <View className='tk-kv'>
          <Text className='tk-kv__k'>党组织</Text>
          <Text className='tk-kv__v'>{company.hasBranch ? '已建立党支部' : '未单独建立党支部'}</Text>
        </View>
        <View className='tk-kv'>
          <Text className='tk-kv__k'>党员</Text>
          <Text className='tk-kv__v'>{company.partyMembers}名</Text>
        </View>
        <View className='tk-kv'>
          <Text className='tk-kv__k'>党建指导员</Text>
          <Text className='tk-kv__v'>{company.partyInstructor ?? '未选派'}</Text>
        </View>
        {company.contact ? (
          <View className='tk-kv'>
            <Text className='tk-kv__k'>联系电话</Text>
            <Text className='tk-kv__v hl-tap' onClick={() => void Taro.makePhoneCall({ phoneNumber: company.contact! }).catch(() => undefined)}>
              {company.contact}
            </Text>
          </View>
        ) : null}
        <View className='tk-kv'>
          <Text className='tk-kv__k'>服务小区</Text>
          <Text className='tk-kv__v'>
            {company.grids.map((g) => `${g.communityName}${g.name}`).join('、') || '—'}（共{company.households}户）
          </Text>
        </View>
      </Section>

      {month ? (
        <View className='tp__month'>
          <Text className='tp__month-arrow' onClick={() => setMonth(shiftMonth(month, -1))}>
            ‹
          </Text>
          <Text className='tp__month-text'>{monthLabel(month)}考评</Text>
          <Text className='tp__month-arrow' onClick={() => month < currentMonth() && setMonth(shiftMonth(month, 1))} style={month < currentMonth() ? undefined : { opacity: 0.25 }}>
            ›
          </Text>
        </View>
      ) : null}
      {!month ? (
        <LoadingState />
      ) : card && card.month === month ? (
        <Section title='考评得分' subtitle={card.source === 'snapshot' ? '已冻结' : '实时计算'}>
          <ScorecardView card={card} />
        </Section>
      ) : cardError && !cardLoading ? (
        <Text className='tk-note'>{cardError.code === 'FORBIDDEN' ? `${monthLabel(month)}考评结果尚未公示，请点“‹”查看之前的月份` : cardError.message}</Text>
      ) : (
        <LoadingState />
      )}

      {admin && card && month ? (
        <Section title='党建工作录入' subtitle={monthLabel(month)}>
          <Stepper label='参加社区联建活动（次）' value={joint} onChange={setJoint} />
          <Stepper label='参加三方联动议事（次）' value={meetings} onChange={setMeetings} />
          <View className='tk-field'>
            <Textarea className='tk-field__textarea' value={note} placeholder='备注（可不填）' onInput={(e) => setNote(e.detail.value)} />
          </View>
          <BigButton loading={busy} disabled={busy} onClick={() => void save()}>
            保存
          </BigButton>
        </Section>
      ) : null}
    </PageContainer>
  )
}
