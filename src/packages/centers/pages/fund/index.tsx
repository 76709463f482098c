import { useCallback, useEffect, useRef, useState } from 'react'
import { Input, Picker, Text, View } from '@tarojs/components'
import Taro, { useReachBottom } from '@tarojs/taro'
import { BigButton, ErrorState, LoadingState, PageContainer, Section } from '@/components'
import { CENTER_STATUS_LABELS, CENTER_STATUSES, FUND_TYPE_LABELS, type CenterSummary, type FundEntry, type FundLedger, type FundType } from '@contracts/centers'
import type { ReplyError } from '@contracts/reply'
import { centersApi, Chips, dayKey, yuan } from '@/features/centers'
import { hasRole, useMe, useRequirePersona } from '@/features/session'
import { routes } from '@/services/routes'
import '@/features/centers/components/centers-pages.scss'

const MANUAL_TYPES: FundType[] = ['grant', 'property', 'owners', 'other']
const PAGE_SIZE = 20

/**
 * 资金台账: the centres' funding — the district's totals (the plan's 5,000 subsidy and 5,000
 * acceptance reward per centre, and 上级补一点、物业出一点、业主筹一点), by community and by type,
 * the entries (never edited; a correction is another entry), and recording a new one.
 */
export default function FundPage() {
  const hasPersona = useRequirePersona(routes.centersFund)
  const { me } = useMe({ enabled: hasPersona })
  const [ledger, setLedger] = useState<FundLedger>()
  const [items, setItems] = useState<FundEntry[]>([])
  const [page, setPage] = useState(1)
  const [error, setError] = useState<ReplyError>()
  const [loading, setLoading] = useState(true)
  const [adding, setAdding] = useState(false)
  const seq = useRef(0)

  const load = useCallback(async (nextPage: number) => {
    const mine = ++seq.current
    setLoading(true)
    const reply = await centersApi.fund({ page: nextPage, pageSize: PAGE_SIZE })
    if (mine !== seq.current) return
    setLoading(false)
    if (!reply.ok) return setError(reply.error)
    setError(undefined)
    setLedger(reply.data)
    setItems((prev) => (nextPage === 1 ? reply.data.items : [...prev, ...reply.data.items]))
    setPage(nextPage)
  }, [])
  useEffect(() => {
    if (hasPersona) void load(1)
  }, [hasPersona, load])
  useReachBottom(() => {
    if (!loading && ledger && items.length < ledger.total) void load(page + 1)
  })

  if (!hasPersona) return <PageContainer><LoadingState text='请先选择演示身份…' /></PageContainer>
  if (error && !ledger) return <PageContainer><ErrorState error={error} onRetry={() => void load(1)} /></PageContainer>
  if (!ledger) return <PageContainer><LoadingState /></PageContainer>
  const built = (ledger.centers.byStatus.built ?? 0) + (ledger.centers.byStatus.accepted ?? 0)
  const mineOnly = !hasRole(me, 'district_admin')

  return (
    <PageContainer>
      <View className='ct-hero'>
        <Text className='ct-hero__line'>全区"党建+邻里中心"累计投入</Text>
        <Text className='ct-hero__title'>{yuan(ledger.totals.district)}</Text>
        <Text className='ct-hero__line'>规划建设{ledger.centers.total}个，已建成{built}个</Text>
        <Text className='ct-hero__line'>
          {CENTER_STATUSES.map((s) => `${CENTER_STATUS_LABELS[s]}${ledger.centers.byStatus[s] ?? 0}`).join(' · ')}
        </Text>
      </View>
      <Section title='资金来源'>
        {Object.entries(ledger.totals.byType)
          .sort((a, b) => b[1] - a[1])
          .map(([type, amount]) => (
            <View key={type} className='ct-row ct-row--between ct-ledger-row'>
              <Text className='ct-line'>{FUND_TYPE_LABELS[type as FundType] ?? type}</Text>
              <Text className='ct-line ct-line--accent'>{yuan(amount)}</Text>
            </View>
          ))}
      </Section>
      <Section title='各社区投入'>
        {ledger.totals.byCommunity.map((c) => (
          <View key={c.communityId} className='ct-row ct-row--between ct-ledger-row'>
            <Text className='ct-line'>{c.communityName}</Text>
            <Text className='ct-line ct-line--accent'>{yuan(c.amount)}</Text>
          </View>
        ))}
      </Section>
      <Section title={mineOnly ? '本社区台账' : '台账明细'} subtitle={`共${ledger.total}笔`}>
        {adding ? (
          <AddEntry
            me={me?.profile.communityId}
            onDone={(saved) => {
              setAdding(false)
              if (saved) void load(1)
            }}
          />
        ) : (
          <BigButton fill='outline' onClick={() => setAdding(true)}>记一笔（物业出资、业主筹资等）</BigButton>
        )}
        {items.map((e) => (
          <View key={e.id} className='ct-room ct-gap-top'>
            <View className='ct-row ct-row--between'>
              <Text className='ct-room__name'>{FUND_TYPE_LABELS[e.type]}</Text>
              <Text className='ct-room__go'>{yuan(e.amount)}</Text>
            </View>
            <Text className='ct-line'>{e.centerName}</Text>
            <Text className='ct-line ct-line--muted'>{e.date}{e.note ? ` · ${e.note}` : ''}{e.recordedByName ? ` · 记账：${e.recordedByName}` : ''}</Text>
          </View>
        ))}
        {items.length < ledger.total ? (
          <View className='ct-gap-top'>
            <BigButton fill='outline' loading={loading} onClick={() => void load(page + 1)}>加载更多</BigButton>
          </View>
        ) : null}
      </Section>
    </PageContainer>
  )
}

function AddEntry({ me, onDone }: { me?: string; onDone: (saved: boolean) => void }) {
  const [centers, setCenters] = useState<CenterSummary[]>([])
  const [center, setCenter] = useState(0)
  const [type, setType] = useState<FundType>('property')
  const [amount, setAmount] = useState('')
  const [date, setDate] = useState(dayKey())
  const [note, setNote] = useState('')
  const [busy, setBusy] = useState(false)
  useEffect(() => {
    void centersApi.list({ status: 'all', communityId: me, pageSize: 100 }).then((r) => r.ok && setCenters(r.data.items))
  }, [me])
  const save = async () => {
    const value = Number(amount)
    if (!centers[center]) return Taro.showToast({ title: '请选择中心', icon: 'none' })
    if (!(value > 0)) return Taro.showToast({ title: '请输入金额', icon: 'none' })
    setBusy(true)
    const reply = await centersApi.fund({ entry: { centerId: centers[center].id, type, amount: Math.round(value * 100) / 100, date, note: note.trim() || undefined }, pageSize: 1 })
    setBusy(false)
    if (!reply.ok) return Taro.showToast({ title: reply.error.message, icon: 'none', duration: 3000 })
    Taro.showToast({ title: '已记账', icon: 'success' })
    onDone(true)
  }
  return (
    <View className='ct-add'>
      <Text className='ct-form__label'>中心</Text>
      <Picker mode='selector' range={centers.map((c) => c.name)} value={center} onChange={(e) => setCenter(Number(e.detail.value))}>
        <View className='ct-form__input ct-picker'>{centers[center]?.name ?? '正在加载…'}</View>
      </Picker>
      <Text className='ct-form__label'>资金来源</Text>
      <Chips options={MANUAL_TYPES.map((t) => ({ value: t, label: FUND_TYPE_LABELS[t] }))} value={type} onChange={setType} />
      <Text className='ct-form__label'>金额（元）</Text>
      <Input className='ct-form__input' type='digit' value={amount} placeholder='例如：5000' onInput={(e) => setAmount(e.detail.value)} />
      <Text className='ct-form__label'>到账日期</Text>
      <Picker mode='date' value={date} end={dayKey()} onChange={(e) => setDate(e.detail.value)}>
        <View className='ct-form__input ct-picker'>{date}</View>
      </Picker>
      <Text className='ct-form__label'>备注</Text>
      <Input className='ct-form__input' value={note} maxlength={200} placeholder='例如：物业出资购置桌椅' onInput={(e) => setNote(e.detail.value)} />
      <Text className='ct-form__hint'>建设补助、验收奖励在中心列入计划、验收合格时自动记账</Text>
      <View className='ct-actions'>
        <View className='ct-btn ct-btn--grey' onClick={() => onDone(false)}>取消</View>
        <View className={busy ? 'ct-btn ct-btn--disabled' : 'ct-btn'} onClick={() => !busy && void save()}>保存</View>
      </View>
    </View>
  )
}
