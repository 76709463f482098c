import { useState } from 'react'
import Taro, { usePullDownRefresh, useRouter } from '@tarojs/taro'
import { Text, View } from '@tarojs/components'
import { BigButton, ErrorState, LoadingState, PageContainer, Section } from '@/components'
import { SECTION_LABELS } from '@contracts/reportLabels'
import { targetPercentText } from '@contracts/targetLabels'
import { ComparisonChart, DEFAULT_PERIOD, FigureCard, formatValue, presetOf, ScopeBar, TargetProgressList, TrendCharts, useDashboard, type DashboardQuery } from '@/features/district'
import { hasRole, useMe, useRequirePersona } from '@/features/session'
import { go } from '@/services/navigate'
import './index.scss'

/**
 * 区级看板: the seed's work report as live figures. District admin picks 全区 or a community; staff
 * see their own community. Every card opens the records behind it.
 */
export default function DashboardPage() {
  const hasPersona = useRequirePersona()
  const { me } = useMe()
  const params = useRouter().params
  const preset = presetOf(DEFAULT_PERIOD)
  const [query, setQuery] = useState<DashboardQuery>({
    communityId: params.communityId || undefined,
    from: params.from || preset.from,
    to: params.to || preset.to
  })
  const { data, error, loading, reload } = useDashboard(query)
  usePullDownRefresh(() => {
    void reload().finally(() => Taro.stopPullDownRefresh())
  })
  const isAdmin = hasRole(me, 'district_admin')

  let body
  if (!hasPersona) body = <LoadingState text='请先选择演示身份…' />
  else if (error && !data) body = <ErrorState error={error} onRetry={() => void reload()} />
  else if (!data) body = <LoadingState text='正在汇总数据…' />
  else {
    const open = (key: string) => go('districtFigure', { key, communityId: query.communityId, from: query.from, to: query.to })
    body = (
      <View className={`dashboard${loading ? ' dashboard--loading' : ''}`}>
        <View className='dashboard__hero'>
          <Text className='dashboard__title'>{data.scope.name}党建联建看板</Text>
          <Text className='dashboard__sub'>
            {data.period.from} 至 {data.period.to} · 数据实时汇总
          </Text>
        </View>
        <ScopeBar
          communities={data.communities}
          allowDistrict={isAdmin}
          communityId={data.scope.communityId}
          from={query.from}
          to={query.to}
          onChange={(next) => setQuery(next)}
        />
        {error ? <Text className='dashboard__error'>{error.message}</Text> : null}
        <Section
          title='在职党员报到进度'
          subtitle={`已报到 ${formatValue(data.registration.approved)} 名 · ${
            data.registration.target === null ? '未设目标' : `目标 ${formatValue(data.registration.target)} 名 · ${targetPercentText(data.registration.percent)}`
          }`}
        >
          <TargetProgressList rows={data.registration.communities} onOpen={() => open('membersApproved')} />
        </Section>
        <TrendCharts trends={data.trends} />
        {data.comparisons.length ? <ComparisonChart comparisons={data.comparisons} /> : null}
        {data.sections.map((section, i) => (
          <Section key={section.key} title={`${'一二三四'[i]}、${SECTION_LABELS[section.key]}`} subtitle={`${section.figures.length}项`}>
            <View className='hl-figures'>
              {section.figures.map((f) => (
                <FigureCard key={f.key} figure={f} onOpen={() => open(f.key)} />
              ))}
            </View>
          </Section>
        ))}
        <View className='dashboard__actions'>
          <BigButton onClick={() => go('districtReport', { communityId: query.communityId, from: query.from, to: query.to })}>生成工作报告</BigButton>
          <Text className='dashboard__hint'>点击任一指标可查看其计算方法和明细记录</Text>
        </View>
      </View>
    )
  }
  return <PageContainer>{body}</PageContainer>
}
