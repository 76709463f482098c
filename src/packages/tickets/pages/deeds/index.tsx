import { useCallback, useEffect, useState } from 'react'
import { Text, View } from '@tarojs/components'
import { BigButton, EmptyState, ErrorState, LoadingState, PageContainer, Section } from '@/components'
import type { ReplyError } from '@contracts/reply'
import { DEED_FIGURE_LABELS, type Deed } from '@contracts/wishes'
import { Chips, formatTime, Stars, wishesApi } from '@/features/tickets'
import { useRequirePersona } from '@/features/session'
import { useCall } from '@/services/cloud'
import { routes } from '@/services/routes'
import '@/features/tickets/components/tickets.scss'
import '../pages.scss'
import './index.scss'

type Kind = 'all' | 'ticket' | 'wish'

const FIGURE_TAGS: Record<Deed['figure'], [string, string]> = {
  blockersSolved: ['三方联动解决堵点', 'tk-tag'],
  disputesSettled: ['化解矛盾纠纷', 'tk-tag tk-tag--blue'],
  practicalDeeds: ['民生实事', 'tk-tag tk-tag--green'],
  otherProblems: ['解决问题', 'tk-tag tk-tag--grey']
}

/**
 * 我为群众办实事: the district's figures (same definitions as the seed document's: every resolved
 * report and fulfilled wish is a "困难和问题" solved; resolved reports are 堵点 or 纠纷; fulfilled
 * wishes are 民生实事), each community's, and the ledger itself.
 */
export default function DeedsPage() {
  const hasPersona = useRequirePersona(routes.ticketsDeeds)
  const { data: totals, error: totalsError, loading: totalsLoading, reload: reloadTotals } = useCall(() => wishesApi.deedTotals(), [hasPersona])
  const [kind, setKind] = useState<Kind>('all')
  const [items, setItems] = useState<Deed[]>([])
  const [total, setTotal] = useState(0)
  const [page, setPage] = useState(1)
  const [loading, setLoading] = useState(true)
  const [error, setError] = useState<ReplyError>()

  const load = useCallback(
    async (next: number) => {
      setLoading(true)
      const reply = await wishesApi.deeds({ kind: kind === 'all' ? undefined : kind, page: next, pageSize: 20 })
      setLoading(false)
      if (!reply.ok) return setError(reply.error)
      setError(undefined)
      setItems((prev) => (next === 1 ? reply.data.items : [...prev, ...reply.data.items]))
      setTotal(reply.data.total)
      setPage(next)
    },
    [kind]
  )
  useEffect(() => {
    void load(1)
  }, [load])

  if (!hasPersona) return <PageContainer><LoadingState text='请先选择演示身份…' /></PageContainer>
  const figures = totals?.district

  return (
    <PageContainer>
      <Section title='全区成效'>
        {figures ? (
          <View className='tk-figures'>
            {(['problemsSolved', 'practicalDeeds', 'blockersSolved', 'disputesSettled'] as const).map((key) => (
              <View key={key} className='tp__figure' data-figure={key}>
                <Text className='tp__figure-value'>{figures[key]}</Text>
                <Text className='tp__figure-label'>
                  {DEED_FIGURE_LABELS[key]}（{key === 'problemsSolved' ? '项' : '件'}）
                </Text>
              </View>
            ))}
          </View>
        ) : totalsError && !totalsLoading ? (
          <ErrorState error={totalsError} onRetry={() => void reloadTotals()} />
        ) : (
          <LoadingState />
        )}
        <Text className='tk-muted'>
          统计口径：居民反映的问题办结后（居民确认或办结满7天）记入台账；其中两方以上共同办理的计为三方联动解决的“堵点”，邻里纠纷计为“化解矛盾纠纷”；党员认领并经确认的微心愿计为“民生实事”；台账全部条目合计为“解决实际困难和问题”。
        </Text>
      </Section>
      {totals ? (
        <Section title='各社区'>
          <View className='tp-deeds'>
            <View className='tp__table-row'>
              <Text className='tp__table-name'>社区</Text>
              <Text className='tp__table-cell'>合计</Text>
              <Text className='tp__table-cell'>堵点</Text>
              <Text className='tp__table-cell'>纠纷</Text>
              <Text className='tp__table-cell'>实事</Text>
            </View>
            {totals.communities.map((c) => (
              <View key={c.communityId} className='tp__table-row'>
                <Text className='tp__table-name'>{c.communityName}</Text>
                <Text className='tp__table-cell'>{c.problemsSolved}</Text>
                <Text className='tp__table-cell'>{c.blockersSolved}</Text>
                <Text className='tp__table-cell'>{c.disputesSettled}</Text>
                <Text className='tp__table-cell'>{c.practicalDeeds}</Text>
              </View>
            ))}
          </View>
        </Section>
      ) : null}
      <Section title='办实事台账'>
        <Chips
          options={[
            { value: 'all' as Kind, label: '全部' },
            { value: 'ticket' as Kind, label: '三方联动' },
            { value: 'wish' as Kind, label: '微心愿' }
          ]}
          value={kind}
          onChange={setKind}
        />
        {error && !items.length ? (
          <ErrorState error={error} onRetry={() => void load(1)} />
        ) : !items.length ? (
          loading ? <LoadingState /> : <EmptyState title='台账里还没有记录' description='问题办结、心愿确认后会记入台账' />
        ) : (
          <Text className='tk-count'>共 {total} 件</Text>
        )}
        {items.map((d) => (
          <View key={d._id} className='tp__appeal'>
            <Text className={FIGURE_TAGS[d.figure][1]}>{FIGURE_TAGS[d.figure][0]}</Text>
            <Text className='tk-rank__name'>{d.title}</Text>
            <Text className='tk-rank__sub'>
              {d.communityName} {d.gridName} · {d.doneBy} · {formatTime(d.doneAt)}
            </Text>
            {d.rating ? <Stars value={d.rating} small /> : null}
          </View>
        ))}
        {items.length < total ? (
          <BigButton fill='outline' loading={loading} onClick={() => void load(page + 1)}>
            加载更多
          </BigButton>
        ) : null}
      </Section>
    </PageContainer>
  )
}
