import { useEffect, useState } from 'react'
import Taro, { useReachBottom, useRouter } from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { EmptyState, ErrorState, LoadingState, PageContainer, Section } from '@/components'
import { FIGURE_KEYS, FIGURE_KIND_LABELS, type FigureKey } from '@contracts/reportLabels'
import type { FigureOutput, FigureRecord } from '@contracts/reports'
import type { ReplyError } from '@contracts/reply'
import { targetPercentText } from '@contracts/targetLabels'
import { DEFAULT_PERIOD, formatValue, percentOf, presetOf, reportsApi, TargetProgressList } from '@/features/district'
import { useRequirePersona } from '@/features/session'
import './index.scss'

const PAGE_SIZE = 20

/** One figure: its value, how it is computed, its split, and the records behind it (paged). */
export default function FigurePage() {
  const hasPersona = useRequirePersona()
  const params = useRouter().params
  const key = (FIGURE_KEYS as readonly string[]).includes(params.key ?? '') ? (params.key as FigureKey) : undefined
  // A link without a period (shared, or typed) opens on the dashboard's default period, not on an error.
  const period = params.from && params.to ? { from: params.from, to: params.to } : presetOf(DEFAULT_PERIOD)
  const query = { communityId: params.communityId || undefined, from: period.from, to: period.to }
  const [head, setHead] = useState<FigureOutput>()
  const [items, setItems] = useState<FigureRecord[]>([])
  const [page, setPage] = useState(0)
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<ReplyError>()

  const load = async (next: number) => {
    if (!key || busy) return
    setBusy(true)
    const reply = await reportsApi.figure({ key, ...query, page: next, pageSize: PAGE_SIZE })
    setBusy(false)
    if (!reply.ok) return setError(reply.error)
    setError(undefined)
    setHead(reply.data)
    setItems((prev) => (next === 1 ? reply.data.records.items : [...prev, ...reply.data.records.items]))
    setPage(next)
    if (next === 1) void Taro.setNavigationBarTitle({ title: reply.data.figure.label.slice(0, 16) })
  }

  useEffect(() => {
    if (hasPersona) void load(1)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [hasPersona, key])

  const total = head?.records.total ?? 0
  const more = items.length < total
  useReachBottom(() => {
    if (more) void load(page + 1)
  })

  if (!key) return <PageContainer><ErrorState error={{ message: '未找到该指标' }} /></PageContainer>
  if (!hasPersona) return <PageContainer><LoadingState text='请先选择演示身份…' /></PageContainer>
  if (error && !head) return <PageContainer><ErrorState error={error} onRetry={() => void load(1)} /></PageContainer>
  if (!head) return <PageContainer><LoadingState /></PageContainer>

  const f = head.figure
  return (
    <PageContainer>
      <View className='figure-page__hero'>
        <Text className='figure-page__scope'>
          {head.scope.name} · {f.kind === 'flow' ? `${head.period.from} 至 ${head.period.to}` : FIGURE_KIND_LABELS.stock}
        </Text>
        <Text className='figure-page__label'>{f.label}</Text>
        <View className='figure-page__value-row'>
          <Text className='figure-page__value' data-testid='figure-value'>
            {formatValue(f.value)}
          </Text>
          <Text className='figure-page__unit'>{f.unit}</Text>
        </View>
        {f.target !== undefined ? (
          <Text className='figure-page__note'>
            目标 {formatValue(f.target)}，完成 {percentOf(f.value, f.target)}%
          </Text>
        ) : head.registration && head.registration.target === null ? (
          <Text className='figure-page__note'>未设目标</Text>
        ) : null}
        {f.note ? <Text className='figure-page__note'>{f.note}</Text> : null}
      </View>
      <Section title='计算方法'>
        <Text className='hl-definition'>{f.definition}</Text>
        {f.breakdown?.length ? (
          <View className='hl-breakdown'>
            {f.breakdown.map((b) => (
              <View key={b.key} className='hl-breakdown__row'>
                <Text>{b.label}</Text>
                <Text className='hl-breakdown__value'>
                  {formatValue(b.value)} {f.unit}
                </Text>
              </View>
            ))}
          </View>
        ) : null}
      </Section>
      {head.registration ? (
        <Section title='各社区报到进度' subtitle={head.registration.communities.length > 1 ? `全区 ${targetPercentText(head.registration.percent)}` : undefined}>
          <TargetProgressList rows={head.registration.communities} />
        </Section>
      ) : null}
      <Section title={`${head.recordLabel}明细`} subtitle={`共${formatValue(total)}条`}>
        {items.length === 0 ? (
          <EmptyState title='暂无记录' description={f.kind === 'flow' ? '统计期内没有相关记录' : undefined} />
        ) : (
          <View className='hl-records'>
            {items.map((r) => (
              <View key={r.id} className='hl-records__item'>
                <Text className='hl-records__title'>{r.title}</Text>
                <Text className='hl-records__detail'>
                  {[r.communityName, r.detail, r.at ? r.at.slice(0, 10) : ''].filter(Boolean).join(' · ')}
                  {r.amount !== undefined ? <Text className='hl-records__amount'>{`  ${formatValue(r.amount)}${f.unit === '%' ? '' : f.unit}`}</Text> : null}
                </Text>
              </View>
            ))}
            {more ? (
              <View className='hl-records__more' onClick={() => void load(page + 1)}>
                <Text>{busy ? '正在加载…' : `加载更多（已显示${items.length}条）`}</Text>
              </View>
            ) : (
              <View className='hl-records__more'>
                <Text>已全部显示</Text>
              </View>
            )}
          </View>
        )}
      </Section>
    </PageContainer>
  )
}
