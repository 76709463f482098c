import { Section } from '@/components'
import { SECTION_LABELS } from '@contracts/reportLabels'
import { DeskLayout, useDeskGate } from '@/features/desk'
import { ComparisonChart, DEFAULT_PERIOD, FigureCard, presetOf, TrendCharts, useDashboard } from '@/features/district'
import { useOverview, WorkQueues, workQueues } from '@/features/overview'
import { hasRole, useMe } from '@/features/session'

/**
 * 管理后台 · 首页 (PC, H5 only): the district admin's district dashboard, or the staff member's
 * community dashboard, with the charts and the figures side by side (reports.dashboard decides the
 * scope from the caller, as on the phone). Property and committee members, who have no dashboard,
 * see their work queues (users.overview).
 */
export default function DeskHomePage() {
  const active = useDeskGate()
  if (!active) return null
  return (
    <DeskLayout active='home' title='首页'>
      <HomeBody />
    </DeskLayout>
  )
}

function HomeBody() {
  const { me, error } = useMe()
  if (!me) return <div className={error ? 'desk-home__error' : 'desk-home__calm'}>{error ? error.message : '正在加载…'}</div>
  return hasRole(me, 'district_admin') || hasRole(me, 'staff') ? <Dashboard /> : <Queues />
}

function Dashboard() {
  const { from, to } = presetOf(DEFAULT_PERIOD)
  const { data, error } = useDashboard({ from, to })
  if (!data) return <div className={error ? 'desk-home__error' : 'desk-home__calm'}>{error ? error.message : '正在汇总数据…'}</div>
  return (
    <div data-testid='desk-dashboard'>
      <div className='desk-home__hero'>
        <span className='desk-home__scope'>{data.scope.name}党建联建看板</span>
        <span className='desk-home__period'>
          {data.period.from} 至 {data.period.to} · 数据实时汇总
        </span>
      </div>
      <div className='desk-home__grid'>
        <div className='desk-home__column'>
          <TrendCharts trends={data.trends} />
          {data.comparisons.length ? <ComparisonChart comparisons={data.comparisons} /> : null}
        </div>
        <div className='desk-home__column'>
          {data.sections.map((section, i) => (
            <Section key={section.key} title={`${'一二三四'[i]}、${SECTION_LABELS[section.key]}`} subtitle={`${section.figures.length}项`}>
              <div className='hl-figures'>
                {section.figures.map((f) => (
                  <FigureCard key={f.key} figure={f} />
                ))}
              </div>
            </Section>
          ))}
        </div>
      </div>
    </div>
  )
}

function Queues() {
  const { data, error } = useOverview()
  if (!data) return <div className={error ? 'desk-home__error' : 'desk-home__calm'}>{error ? error.message : '正在加载…'}</div>
  const queues = workQueues(data.work)
  return (
    <Section title='我的工作'>
      {queues.length ? <WorkQueues queues={queues} /> : <div className='desk-home__calm'>暂无待办事项</div>}
    </Section>
  )
}
