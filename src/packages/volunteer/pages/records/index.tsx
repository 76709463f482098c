import { useEffect, useRef, useState } from 'react'
import { Text, View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh, useReachBottom, useRouter } from '@tarojs/taro'
import { BigButton, EmptyState, ErrorState, LoadingState, PageContainer, Section } from '@/components'
import type { Me } from '@contracts/me'
import type { RecordStatus, ServiceRecord } from '@contracts/activities'
import { activitiesApi, Chips, dayLabel, duration, enteredByOf, RecordRow, Sheet, type SheetField, usePaged } from '@/features/volunteer'
import { hasRole, useMe, useRequirePersona } from '@/features/session'
import { useCall } from '@/services/cloud'
import { routes, urlOf } from '@/services/routes'
import '@/features/volunteer/components/volunteer-pages.scss'
import '../volunteer.scss'
import './index.scss'

type Filter = RecordStatus | 'all'
const FILTERS: { value: Filter; label: string }[] = [
  { value: 'pending', label: '待审核' },
  { value: 'all', label: '全部' },
  { value: 'approved', label: '已认定' },
  { value: 'adjusted', label: '已调整' },
  { value: 'declined', label: '不予认定' },
  { value: 'open', label: '服务中' }
]

type Decision = { kind: 'adjust' | 'decline'; record: ServiceRecord } | null
const toast = (title: string) => void Taro.showToast({ title, icon: 'none', duration: 2500 })
/** Ready for 批量认定: pending, checked out on time, not a make-up (those are checked one by one). */
const batchable = (r: ServiceRecord) => r.status === 'pending' && !r.autoClosed && !r.makeUp

/** Opened with an activity's id: that activity's records; without: 待认定时长 across activities. */
export default function RecordsPage() {
  const id = useRouter().params.id ?? ''
  return id ? <ActivityRecords id={id} /> : <PendingRecords />
}

/**
 * The decisions both views offer on a record — 认定, 调整 (with a reason), 不予认定 (with a reason),
 * 批量认定 — and the four-eyes note where the caller may not decide.
 */
function useDecisions(me: Me | undefined, items: ServiceRecord[], refresh: () => void) {
  const [decision, setDecision] = useState<Decision>(null)
  const [busy, setBusy] = useState(false)
  /** Why the caller may not decide on this record (four eyes), if so. */
  const notMine = (r: ServiceRecord): string | undefined => {
    if (!me) return undefined
    if (r.openid === me.openid) return '这是您本人的服务时长，须由其他工作人员认定'
    if (enteredByOf(r) === me.openid) return '由您补录，须由其他工作人员或区级管理员认定'
    return undefined
  }
  const approve = async (record: ServiceRecord) => {
    const reply = await activitiesApi.verify({ recordId: record._id, decision: 'approve' })
    if (!reply.ok) return toast(reply.error.message)
    toast(`已认定 ${record.name} ${duration(reply.data.verifiedMinutes)}`)
    refresh()
  }
  const ready = items.filter((r) => batchable(r) && !notMine(r))
  const approveAll = async () => {
    const sure = await Taro.showModal({ title: '批量认定', content: `认定本页${ready.length}条按时签到签退的记录？（未签退的记录请逐条核实）`, confirmText: '认定' })
    if (!sure.confirm) return
    setBusy(true)
    let done = 0
    for (const r of ready) {
      const reply = await activitiesApi.verify({ recordId: r._id, decision: 'approve' })
      if (reply.ok) done++
    }
    setBusy(false)
    toast(`已认定${done}条`)
    refresh()
  }
  const actionsOf = (r: ServiceRecord) =>
    r.status === 'open' || notMine(r)
      ? []
      : [
          ...(r.status !== 'approved' ? [{ label: '认定', onClick: () => void approve(r) }] : []),
          { label: '调整', onClick: () => setDecision({ kind: 'adjust', record: r }) },
          ...(r.status !== 'declined' ? [{ label: '不予认定', onClick: () => setDecision({ kind: 'decline', record: r }) }] : [])
        ]
  const batchButton =
    ready.length > 1 ? (
      <BigButton loading={busy} onClick={() => void approveAll()}>
        批量认定按时签退的{ready.length}条
      </BigButton>
    ) : null
  const sheet = (
    <Sheet
      open={decision !== null}
      title={decision?.kind === 'adjust' ? `调整 ${decision.record.name} 的时长` : `不予认定 ${decision?.record.name ?? ''}`}
      fields={
        decision?.kind === 'adjust'
          ? [
              { key: 'minutes', label: '认定时长（分钟）', number: true, initial: String(decision.record.minutes) },
              { key: 'reason', label: '调整理由', placeholder: '例如：中途离开约半小时', multiline: true }
            ]
          : [{ key: 'reason', label: '不予认定的理由', placeholder: '例如：签到后未参加服务', multiline: true }]
      }
      onClose={() => setDecision(null)}
      onConfirm={async (v) => {
        if (!decision) return
        const reply =
          decision.kind === 'adjust'
            ? await activitiesApi.verify({ recordId: decision.record._id, decision: 'adjust', minutes: Number(v.minutes), reason: v.reason.trim() })
            : await activitiesApi.verify({ recordId: decision.record._id, decision: 'decline', reason: v.reason.trim() })
        if (!reply.ok) return reply.error.message
        setDecision(null)
        toast('已保存')
        refresh()
      }}
    />
  )
  return { notMine, actionsOf, batchButton, sheet }
}

function ActivityRecords({ id }: { id: string }) {
  const hasPersona = useRequirePersona(urlOf('volunteerRecords', { id }))
  const [filter, setFilter] = useState<Filter>('pending')
  const [makingUp, setMakingUp] = useState(false)
  const { me } = useMe({ enabled: hasPersona })
  const { data: activity, reload: reloadActivity } = useCall(() => activitiesApi.get({ activityId: id }), [id, hasPersona])
  const list = usePaged((page) => activitiesApi.records({ activityId: id, page, pageSize: 50, ...(filter !== 'all' ? { status: filter } : {}) }), [id, filter], hasPersona)
  usePullDownRefresh(() => void list.reload().then(() => Taro.stopPullDownRefresh()))
  useReachBottom(() => void list.more())

  const refresh = () => {
    void list.reload()
    void reloadActivity()
  }
  const { notMine, actionsOf, batchButton, sheet } = useDecisions(me, list.items, refresh)

  if (!hasPersona) return <PageContainer><LoadingState /></PageContainer>
  const makeUpsForMe = list.items.filter((r) => r.makeUp && r.status === 'pending' && !notMine(r)).length
  const makeUpsByMe = list.items.filter((r) => r.makeUp && r.status === 'pending' && me && enteredByOf(r) === me.openid).length
  const makeUpFields: SheetField[] = [
    { key: 'code', label: '志愿者码或志愿者编号', placeholder: '例如 SFQ000123' },
    { key: 'minutes', label: '补录时长（分钟，不超过活动时长）', number: true },
    { key: 'reason', label: '补录理由', placeholder: '例如：老人无智能手机，全程参加', multiline: true }
  ]

  return (
    <PageContainer>
      {activity ? (
        <View>
          <Text className='vp__head'>{activity.title}</Text>
          {activity.stats ? (
            <Text className='vp__sub'>
              签到{activity.stats.checkedIn}人 · 待审核{activity.stats.pendingRecords}条{activity.stats.openRecords ? ` · 服务中${activity.stats.openRecords}人` : ''}
            </Text>
          ) : null}
        </View>
      ) : null}
      <Chips options={FILTERS} value={filter} onChange={setFilter} />
      {makeUpsForMe ? (
        <Text className='vt-notice' onClick={() => void Taro.navigateTo({ url: urlOf('volunteerMakeUps') })}>
          {`有${makeUpsForMe}条其他工作人员补录的时长待您复核认定（补录须由补录人以外的人认定）。查看各活动待复核的补录 ›`}
        </Text>
      ) : null}
      {makeUpsByMe ? <Text className='vt-notice'>{`您补录的${makeUpsByMe}条时长待其他工作人员或区级管理员认定，认定前不计入志愿者时长`}</Text> : null}
      <View className='vp__buttons'>
        {batchButton}
        {activity && activity.phase !== 'open' && activity.phase !== 'closed' ? (
          <BigButton fill='outline' onClick={() => setMakingUp(true)}>
            补录时长
          </BigButton>
        ) : null}
      </View>
      {list.error && !list.items.length ? (
        <ErrorState error={list.error} onRetry={() => void list.reload()} />
      ) : list.loading && !list.items.length ? (
        <LoadingState />
      ) : !list.items.length ? (
        <EmptyState title={filter === 'pending' ? '没有待审核的记录' : '暂无记录'} />
      ) : (
        <Section title={`共 ${list.total} 条`} subtitle='未签退的记录已按活动结束时间计，请核实'>
          {list.items.map((r) => (
            <RecordRow
              key={r._id}
              record={r}
              showName
              note={notMine(r)}
              actions={actionsOf(r)}
            />
          ))}
        </Section>
      )}
      {list.hasMore ? (
        <View className='vt-more'>
          <BigButton fill='outline' loading={list.loading} onClick={() => void list.more()}>
            加载更多
          </BigButton>
        </View>
      ) : null}
      {sheet}
      <Sheet
        open={makingUp}
        title='补录服务时长'
        fields={makeUpFields}
        onClose={() => setMakingUp(false)}
        onConfirm={async (v) => {
          const reply = await activitiesApi.makeUp({ activityId: id, memberCode: v.code.trim(), minutes: Number(v.minutes), reason: v.reason.trim() })
          if (!reply.ok) return reply.error.message
          setMakingUp(false)
          toast('已补录，待其他工作人员认定')
          refresh()
        }}
      />
    </PageContainer>
  )
}

/** Records of one activity that follow each other in the list (it is ordered by activity). */
function byActivity(items: ServiceRecord[]): { key: string; first: ServiceRecord; records: ServiceRecord[] }[] {
  const groups: { key: string; first: ServiceRecord; records: ServiceRecord[] }[] = []
  for (const r of items) {
    const key = r.activityId ?? r._id
    const last = groups[groups.length - 1]
    if (last?.key === key) last.records.push(r)
    else groups.push({ key, first: r, records: [r] })
  }
  return groups
}

/**
 * 待认定时长 (首页's 时长认定 opens it): the records waiting for the caller's decision across
 * activities, oldest service first, one card per activity naming it. Staff see their communities';
 * the district admin the district's activities and community staff's own hours (four eyes: the
 * community may have no second staff member). Make-ups have their own page (补录复核).
 */
function PendingRecords() {
  const hasPersona = useRequirePersona(routes.volunteerRecords)
  const { me } = useMe({ enabled: hasPersona })
  const allowed = hasRole(me, 'staff') || hasRole(me, 'district_admin')
  const list = usePaged((page) => activitiesApi.records({ page, pageSize: 50 }), [], hasPersona && allowed)
  usePullDownRefresh(() => void list.reload().then(() => Taro.stopPullDownRefresh()))
  useReachBottom(() => void list.more())
  useEffect(() => void Taro.setNavigationBarTitle({ title: '待认定时长' }).catch(() => {}), [])
  // Back from an activity's records page, where records may have been decided.
  const shown = useRef(false)
  useDidShow(() => {
    if (shown.current && allowed) void list.reload()
    shown.current = true
  })
  const { notMine, actionsOf, batchButton, sheet } = useDecisions(me, list.items, () => void list.reload())

  if (!hasPersona || !me) return <PageContainer><LoadingState /></PageContainer>
  if (!allowed) return <PageContainer><ErrorState error={{ message: '时长认定仅限社区工作人员和区级管理员使用' }} /></PageContainer>
  /** The activity's own records page is its organiser's (the admin decides community staff's hours here only). */
  const organises = (r: ServiceRecord) => (r.communityId === null ? hasRole(me, 'district_admin') : hasRole(me, 'staff') && me.scopes.communityIds.includes(r.communityId))

  return (
    <PageContainer>
      <Text className='vp__sub'>
        {hasRole(me, 'staff') ? '本社区各活动中待您认定的服务时长，按服务日期从早到晚' : '区级活动，以及各社区工作人员本人的服务时长（须由他人认定）'}
      </Text>
      {list.error && !list.items.length ? (
        <ErrorState error={list.error} onRetry={() => void list.reload()} />
      ) : list.loading && !list.items.length ? (
        <LoadingState />
      ) : !list.items.length ? (
        <EmptyState title='没有待认定的服务时长' description='活动结束、志愿者签退后，待认定的时长会出现在这里' wayOn>
          <BigButton fill='outline' onClick={() => void Taro.navigateTo({ url: urlOf('volunteerManage') })}>
            去活动管理
          </BigButton>
        </EmptyState>
      ) : (
        <View>
          <Text className='rq-count'>{`共 ${list.total} 条待认定`}</Text>
          <View className='vp__buttons'>{batchButton}</View>
          {byActivity(list.items).map(({ key, first, records }) => (
            <Section key={key} title={first.title} subtitle={`${dayLabel(first.serviceDate)} · ${first.issuerName}`}>
              {records.map((r) => (
                <RecordRow key={r._id} record={r} showName note={notMine(r)} actions={actionsOf(r)} />
              ))}
              {first.activityId && organises(first) ? (
                <Text className='rq-open' onClick={() => void Taro.navigateTo({ url: urlOf('volunteerRecords', { id: first.activityId }) })}>
                  本活动全部记录与补录 ›
                </Text>
              ) : null}
            </Section>
          ))}
        </View>
      )}
      {list.hasMore ? (
        <View className='vt-more'>
          <BigButton fill='outline' loading={list.loading} onClick={() => void list.more()}>
            加载更多
          </BigButton>
        </View>
      ) : null}
      {sheet}
    </PageContainer>
  )
}
